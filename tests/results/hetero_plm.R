# Reference output of R plm 2.6-2 for migecon's heterogeneous-slope family
# (issue 16): pmg (mg, cmg, dmg), pcce (mg, p), cipstest, pgrangertest,
# pcdtest. Run from the repository root:
#   Rscript tests/results/hetero_plm.R > tests/results/hetero_plm.json
# jsonlite is not installed here, so the JSON is written by hand with
# 17 significant digits (every double round-trips).
suppressPackageStartupMessages(library(plm))
data("Produc", package = "plm")
data("Grunfeld", package = "plm")
data("EmplUK", package = "plm")

num <- function(x) ifelse(is.na(x), "null", sprintf("%.17g", x))
vec <- function(x) paste0("[", paste(num(as.numeric(x)), collapse = ", "), "]")
str <- function(s) paste0("\"", gsub("\"", "\\\\\"", s), "\"")
items <- list()
add <- function(key, fields) {
  body <- paste(sprintf("    %s: %s", str(names(fields)), unlist(fields)), collapse = ",\n")
  items[[length(items) + 1L]] <<- sprintf("  %s: {\n%s\n  }", str(key), body)
}
model_entry <- function(key, call, m) {
  s <- summary(m)
  ct <- s$CoefTable
  add(key, list(call = str(call),
                names = paste0("[", paste(str(rownames(ct)), collapse = ", "), "]"),
                coef = vec(ct[, 1]), se = vec(ct[, 2]),
                indcoef_names = paste0("[", paste(str(rownames(m$indcoef)), collapse = ", "), "]"),
                indcoef_first_unit = vec(m$indcoef[, 1]),
                indcoef_last_unit = vec(m$indcoef[, ncol(m$indcoef)]),
                r_squared = num(m$r.squared),
                ssr = num(sum(residuals(m)^2)),
                nobs = num(length(residuals(m)))))
}

fm <- log(gsp) ~ log(pcap) + log(pc) + log(emp) + unemp
runs <- list(
  produc_pmg_mg = quote(pmg(fm, data = Produc, model = "mg")),
  produc_pmg_cmg = quote(pmg(fm, data = Produc, model = "cmg")),
  produc_pmg_dmg = quote(pmg(fm, data = Produc, model = "dmg")),
  produc_pmg_mg_trend = quote(pmg(fm, data = Produc, model = "mg", trend = TRUE)),
  produc_pcce_mg = quote(pcce(fm, data = Produc, model = "mg")),
  produc_pcce_p = quote(pcce(fm, data = Produc, model = "p")),
  grunfeld_pmg_mg = quote(pmg(inv ~ value + capital, data = Grunfeld, model = "mg")),
  grunfeld_pmg_cmg = quote(pmg(inv ~ value + capital, data = Grunfeld, model = "cmg")),
  grunfeld_pcce_mg = quote(pcce(inv ~ value + capital, data = Grunfeld, model = "mg")),
  grunfeld_pcce_p = quote(pcce(inv ~ value + capital, data = Grunfeld, model = "p"))
)
# Unbalanced: Grunfeld without firm 10's 1954 and firm 1's 1935-1936 rows.
GrunU <- Grunfeld[!((Grunfeld$firm == 10 & Grunfeld$year == 1954) |
                    (Grunfeld$firm == 1 & Grunfeld$year %in% c(1935, 1936))), ]
runs$grunfeld_unbalanced_pmg_mg <- quote(pmg(inv ~ value + capital, data = GrunU, model = "mg"))
runs$grunfeld_unbalanced_pmg_cmg <- quote(pmg(inv ~ value + capital, data = GrunU, model = "cmg"))
for (key in names(runs)) model_entry(key, paste(deparse(runs[[key]]), collapse = ""), eval(runs[[key]]))

# plm's pcce projects each unit's data off H = (1, ybar, xbar) with the normal
# equations (solve(crossprod(H))), which loses digits when the cross-section
# averages are nearly collinear (Produc). The same estimators with the
# projection done by QR (qr.resid, as lm.fit does), to separate plm's rounding
# from the estimator: CCE mean group (equal to pmg(model = "cmg") slopes by
# Frisch-Waugh-Lovell) and CCE pooled with plm's covariance formula.
cce_qr <- function(formula, data, index) {
  pd <- pdata.frame(data, index = index)
  mf <- model.frame(formula, data = data)
  y <- model.response(mf)
  X <- model.matrix(formula, data = data)[, -1L, drop = FALSE]
  ind <- pd[[index[1]]]; tind <- pd[[index[2]]]
  ybar <- ave(y, tind); Xbar <- apply(X, 2, function(v) ave(v, tind))
  units <- split(seq_along(y), ind)
  n <- length(units); k <- ncol(X)
  b <- matrix(NA_real_, k, n); XMX <- array(0, c(k, k, n)); XMy <- matrix(0, k, n)
  Tmin <- min(lengths(units))
  for (i in seq_len(n)) {
    r <- units[[i]]
    H <- cbind(ybar[r], Xbar[r, , drop = FALSE], 1)
    qH <- qr(H)
    MX <- qr.resid(qH, X[r, , drop = FALSE]); My <- qr.resid(qH, y[r])
    b[, i] <- qr.coef(qr(MX), My)
    XMX[, , i] <- crossprod(MX); XMy[, i] <- crossprod(MX, My)
  }
  bmg <- rowMeans(b); dem <- b - bmg
  vmg <- tcrossprod(dem) / (n * (n - 1))
  sXMX <- rowSums(XMX, dims = 2L)
  bp <- solve(sXMX, rowSums(XMy))
  R <- matrix(0, k, k)
  for (i in seq_len(n)) R <- R + XMX[, , i] %*% tcrossprod(dem[, i]) %*% XMX[, , i]
  R <- R / (n - 1) / Tmin^2
  psi <- sXMX / length(y)
  vp <- solve(psi) %*% R %*% solve(psi) / n
  list(mg = bmg, mg_se = sqrt(diag(vmg)), p = bp, p_se = sqrt(diag(vp)))
}
for (case in list(list("produc", fm, Produc, c("state", "year")),
                  list("grunfeld", inv ~ value + capital, Grunfeld, c("firm", "year")))) {
  r <- cce_qr(case[[2]], case[[3]], case[[4]])
  add(paste0(case[[1]], "_cce_qr"), list(
    call = str("cce_qr() in this script: pcce's formulas with QR projections"),
    mg_coef = vec(r$mg), mg_se = vec(r$mg_se), p_coef = vec(r$p), p_se = vec(r$p_se)))
}

# CIPS (Pesaran 2007 CADF). plm's p-value is an interpolation in its table.
pProduc <- pdata.frame(Produc, index = c("state", "year"))
pGrun <- pdata.frame(Grunfeld, index = c("firm", "year"))
cips_entry <- function(key, call) {
  r <- suppressWarnings(eval(parse(text = call)))
  t_i <- vapply(r$tmods, function(m) summary(m)$coefficients["le", 3], 0)
  add(key, list(call = str(call), statistic = num(r$statistic), p_value = num(r$p.value),
                unit_t = vec(t_i)))
}
cips_entry("cips_produc_lgsp_cmg_drift_lag1", "cipstest(log(pProduc$gsp), lags = 1, type = 'drift', model = 'cmg')")
cips_entry("cips_produc_lgsp_cmg_trend_lag2", "cipstest(log(pProduc$gsp), lags = 2, type = 'trend', model = 'cmg')")
cips_entry("cips_produc_lgsp_cmg_drift_lag2_trunc", "cipstest(log(pProduc$gsp), lags = 2, type = 'drift', model = 'cmg', truncated = TRUE)")
cips_entry("cips_produc_unemp_cmg_drift_lag1", "cipstest(pProduc$unemp, lags = 1, type = 'drift', model = 'cmg')")
cips_entry("cips_produc_lgsp_mg_drift_lag1", "cipstest(log(pProduc$gsp), lags = 1, type = 'drift', model = 'mg')")
cips_entry("cips_grunfeld_inv_cmg_trend_lag1_trunc", "cipstest(pGrun$inv, lags = 1, type = 'trend', model = 'cmg', truncated = TRUE)")
cips_entry("cips_produc_lgsp_cmg_drift_lag0", "cipstest(log(pProduc$gsp), lags = 0, type = 'drift', model = 'cmg')")

# Pesaran (2007) critical values as typed in plm's critvals.cips (rows N, columns T;
# N, T in 10, 15, 20, 30, 50, 70, 100, 200), for the 1%, 5%, 10% levels.
cv_body <- deparse(plm:::critvals.cips)
add("plm_critvals_cips_source", list(text = str(paste(trimws(cv_body), collapse = " "))))

# Dumitrescu-Hurlin (pgrangertest)
dh_entry <- function(key, call) {
  r <- eval(parse(text = call))
  add(key, list(call = str(call), statistic = num(r$statistic),
                p_value = if (is.null(r$p.value)) "null" else num(r$p.value),
                unit_W = vec(r$indgranger$Chisq), unit_p = vec(r$indgranger[["p-value"]])))
}
dh_entry("dh_grunfeld_inv_value_ztilde_1", "pgrangertest(inv ~ value, data = pGrun, order = 1L, test = 'Ztilde')")
dh_entry("dh_grunfeld_inv_value_zbar_1", "pgrangertest(inv ~ value, data = pGrun, order = 1L, test = 'Zbar')")
dh_entry("dh_grunfeld_inv_value_wbar_1", "pgrangertest(inv ~ value, data = pGrun, order = 1L, test = 'Wbar')")
dh_entry("dh_grunfeld_inv_value_ztilde_2", "pgrangertest(inv ~ value, data = pGrun, order = 2L, test = 'Ztilde')")
dh_entry("dh_produc_unemp_gsp_ztilde_2", "pgrangertest(unemp ~ gsp, data = pProduc, order = 2L, test = 'Ztilde')")
dh_entry("dh_produc_unemp_gsp_zbar_3", "pgrangertest(unemp ~ gsp, data = pProduc, order = 3L, test = 'Zbar')")

# Pesaran CD on heterogeneous (CCE) residuals: pcdtest of the pcce / pmg fits.
cd_entry <- function(key, call) {
  r <- eval(parse(text = call))
  add(key, list(call = str(call), statistic = num(r$statistic), p_value = num(r$p.value)))
}
cd_entry("cd_produc_pcce_mg", "pcdtest(pcce(fm, data = Produc, model = 'mg'), test = 'cd')")
cd_entry("cd_produc_pmg_mg", "pcdtest(pmg(fm, data = Produc, model = 'mg'), test = 'cd')")
cd_entry("cd_produc_pmg_cmg", "pcdtest(pmg(fm, data = Produc, model = 'cmg'), test = 'cd')")

cat("{\n")
cat(sprintf("  \"_about\": %s,\n", str(paste0(
  "R ", R.version$major, ".", R.version$minor, ", plm ", as.character(packageVersion("plm")),
  ", lmtest ", as.character(packageVersion("lmtest")),
  "; generated by tests/results/hetero_plm.R on plm's own datasets (Produc, Grunfeld)."))))
cat(paste(unlist(items), collapse = ",\n"))
cat("\n}\n")
