"""The bilateral side: remittance corridors, sender-side weights and dyad panels."""
