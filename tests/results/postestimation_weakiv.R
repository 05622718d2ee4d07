# Reference numbers for migecon's post-estimation algebra and weak-IV diagnostics
# (tests/test_postestimation.py, tests/test_weakiv.py), computed with base R,
# plm 2.6-2 (its Grunfeld and EmplUK data) and sandwich, independently of migecon.
#
#   Rscript tests/results/postestimation_weakiv.R > tests/results/postestimation_weakiv_r.json
#
# Conventions matched on the migecon side:
#   * lm() covariance = s^2 (X'X)^-1 with s^2 = RSS/(N-K)  <->  cov_type="unadjusted";
#   * sandwich::vcovCL(type = "HC0", cadjust = FALSE)      <->  cov_type="clustered",
#     small_sample="none" (CR0, no factor);
#   * plm within vcov (RSS/(N - n - K))                     <->  mg.fit(estimator="fe").
# Delta-method gradients come from R's symbolic deriv(), not from migecon's code.
suppressMessages({library(plm); library(sandwich)})
out <- list()
num <- function(x) formatC(x, digits = 15, format = "g")
emit <- function(key, values) {
  out[[key]] <<- paste0("\"", key, "\": {", paste0("\"", names(values), "\": ",
                        sapply(values, num), collapse = ", "), "}")
}
delta <- function(expr, b, V) {
  g <- deriv(parse(text = expr)[[1]], names(b))
  val <- eval(g, as.list(b))
  G <- attr(val, "gradient")[1, names(b)]
  c(estimate = as.numeric(val), std_error = sqrt(as.numeric(t(G) %*% V %*% G)))
}

# ---- A. Grunfeld, pooled OLS inv ~ value + capital ------------------------------------
data("Grunfeld", package = "plm")
m <- lm(inv ~ value + capital, data = Grunfeld)
b <- coef(m); names(b) <- c("const", "value", "capital")
V <- vcov(m); dimnames(V) <- list(names(b), names(b))
emit("grunfeld_lincom_value_plus_2capital", delta("value + 2*capital", b, V))
emit("grunfeld_nlcom_value_over_capital", delta("value / capital", b, V))
emit("grunfeld_nlcom_exp_log", delta("exp(value) * sqrt(capital) - log(capital)", b, V))
R <- rbind(c(0, 1, 0), c(0, 1, -1)); r <- R %*% b
W <- as.numeric(t(r) %*% solve(R %*% V %*% t(R)) %*% r)
emit("grunfeld_wald_value0_value_eq_capital",
     c(F = W / 2, df1 = 2, df2 = df.residual(m), p = pf(W / 2, 2, df.residual(m),
                                                         lower.tail = FALSE)))
Vc <- vcovCL(m, cluster = ~firm, type = "HC0", cadjust = FALSE)
dimnames(Vc) <- list(names(b), names(b))
emit("grunfeld_cluster_nlcom_value_over_capital", delta("value / capital", b, Vc))
Rc <- rbind(c(0, 1, 0), c(0, 0, 1)); rc <- Rc %*% b
Wc <- as.numeric(t(rc) %*% solve(Rc %*% Vc %*% t(Rc)) %*% rc)
emit("grunfeld_cluster_wald_slopes", c(chi2 = Wc, df = 2, p = pchisq(Wc, 2, lower.tail = FALSE)))

# ---- B. EmplUK, FE with a lagged dependent variable: long-run effect of wages ---------
data("EmplUK", package = "plm")
E <- pdata.frame(EmplUK, index = c("firm", "year"))
fe <- plm(log(emp) ~ lag(log(emp), 1) + log(wage) + lag(log(wage), 1) + log(capital),
          data = E, model = "within")
bf <- coef(fe); names(bf) <- c("Ln", "w", "Lw", "k")
Vf <- vcov(fe); dimnames(Vf) <- list(names(bf), names(bf))
emit("empluk_fe_long_run_w", c(delta("(w + Lw) / (1 - Ln)", bf, Vf), nobs = nobs(fe)))
emit("empluk_fe_long_run_k", delta("k / (1 - Ln)", bf, Vf))

# ---- C. EmplUK FE2SLS: first stage, effective F, KP LM, Anderson-Rubin -----------------
# lemp ~ lcap + lout + [lwage ~ instruments], within firm, errors clustered by firm (CR0).
D <- EmplUK[order(EmplUK$firm, EmplUK$year), ]
D$lemp <- log(D$emp); D$lwage <- log(D$wage); D$lcap <- log(D$capital)
D$lout <- log(D$output)
D$lwage_l1 <- ave(D$lwage, D$firm, FUN = function(v) c(NA, head(v, -1)))
D$lwage_l2 <- ave(D$lwage, D$firm, FUN = function(v) c(NA, NA, head(v, -2)))
D <- D[complete.cases(D[, c("lwage_l1", "lwage_l2")]), ]
dm <- function(v) v - ave(v, D$firm)
Y <- dm(D$lemp); X <- dm(D$lwage); Wx <- cbind(dm(D$lcap), dm(D$lout))
for (inst in list(c("lwage_l1"), c("lwage_l1", "lwage_l2"))) {
  Z1 <- sapply(inst, function(v) dm(D[[v]]))
  Z1 <- matrix(Z1, ncol = length(inst))
  L1 <- ncol(Z1)
  key <- paste0("empluk_fe2sls_", paste(inst, collapse = "_"))
  fs <- lm(X ~ Z1 + Wx - 1)
  pi <- coef(fs)[1:L1]
  Vfs <- vcovCL(fs, cluster = D$firm, type = "HC0", cadjust = FALSE)[1:L1, 1:L1, drop = FALSE]
  robust_f <- as.numeric(t(pi) %*% solve(Vfs) %*% pi) / L1
  Z1t <- residuals(lm(Z1 ~ Wx - 1)); Z1t <- matrix(Z1t, ncol = L1)
  Q <- crossprod(Z1t)
  eff_f <- as.numeric(t(pi) %*% Q %*% pi) / sum(diag(Vfs %*% Q))
  # Kleibergen-Paap rk LM with one endogenous regressor: the robust score test of pi = 0,
  # covariance from x after the exogenous regressors (the residual under the null).
  xt <- residuals(lm(X ~ Wx - 1))
  sc <- Z1t * xt
  S <- crossprod(rowsum(sc, D$firm))
  g <- crossprod(Z1t, xt)
  lm_stat <- as.numeric(t(g) %*% solve(S) %*% g)
  # Conventional F with N - L - n_firms degrees of freedom (within transformation).
  rss_u <- sum(residuals(fs)^2); rss_r <- sum(xt^2)
  df2 <- nrow(D) - (L1 + 2) - length(unique(D$firm))
  f_conv <- ((rss_r - rss_u) / L1) / (rss_u / df2)
  partial_r2 <- 1 - rss_u / rss_r
  # 2SLS coefficient and the Anderson-Rubin set (chi2(L1) at 95 %), by uniroot on the
  # reduced-form Wald statistic of the excluded instruments in y - b x.
  ar <- function(b0) {
    rf <- lm(I(Y - b0 * X) ~ Z1 + Wx - 1)
    d <- coef(rf)[1:L1]
    Vd <- vcovCL(rf, cluster = D$firm, type = "HC0", cadjust = FALSE)[1:L1, 1:L1, drop = FALSE]
    as.numeric(t(d) %*% solve(Vd) %*% d)
  }
  Zall <- cbind(Z1, Wx); Xall <- cbind(X, Wx)
  Xhat <- Zall %*% solve(crossprod(Zall), crossprod(Zall, Xall))
  b2sls <- solve(crossprod(Xhat, Xall), crossprod(Xhat, Y))[1]
  crit <- qchisq(0.95, L1)
  f <- function(b0) ar(b0) - crit
  lo <- uniroot(f, c(b2sls - 5, b2sls), tol = 1e-12)$root
  hi <- uniroot(f, c(b2sls, b2sls + 5), tol = 1e-12)$root
  emit(key, c(nobs = nrow(D), robust_f = robust_f, effective_f = eff_f, kp_lm = lm_stat,
              f_conventional = f_conv, partial_r2 = partial_r2, b2sls = b2sls,
              ar_low = lo, ar_high = hi, ar_at_b2sls = ar(b2sls)))
}
cat("{\n\"_about\": \"Written by tests/results/postestimation_weakiv.R (base R ",
    R.version$major, ".", R.version$minor, ", plm ", as.character(packageVersion("plm")),
    ", sandwich ", as.character(packageVersion("sandwich")), "); see the script header.\",\n",
    paste(unlist(out), collapse = ",\n"), "\n}\n", sep = "")
