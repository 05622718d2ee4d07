"""Gravity models of bilateral flows: Poisson pseudo-maximum likelihood with absorbed effects."""
