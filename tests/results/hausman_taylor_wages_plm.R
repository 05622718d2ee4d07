# Reference output for tests/test_estimate_hausman_taylor.py: Hausman-Taylor and
# Amemiya-MaCurdy on the Cornwell-Rupert wage data (plm's Wages: 595 individuals x 7
# years), the example of Baltagi (2013), Econometric Analysis of Panel Data, 5th ed.,
# Table 7.4 (HT), which plm's documentation reproduces.
# Run: Rscript hausman_taylor_wages_plm.R  (R 4, plm 2.6-2)
# Output: hausman_taylor_wages_plm.csv (model,term,stat,value; 15 significant digits).
library(plm)
data("Wages", package = "plm")
ht <- plm(lwage ~ wks + south + smsa + married + exp + I(exp ^ 2) +
              bluecol + ind + union + sex + black + ed |
              bluecol + south + smsa + ind + sex + black |
              wks + married + union + exp + I(exp ^ 2),
          data = Wages, index = 595,
          random.method = "ht", model = "random", inst.method = "baltagi")
am <- update(ht, inst.method = "am")
out <- NULL
for (m in list(list("ht", ht), list("am", am))) {
  fit <- m[[2]]
  ec <- ercomp(fit)
  out <- rbind(out,
    data.frame(model = m[[1]], term = names(coef(fit)), stat = "coef", value = unname(coef(fit))),
    data.frame(model = m[[1]], term = names(coef(fit)), stat = "se",
               value = unname(sqrt(diag(vcov(fit))))),
    data.frame(model = m[[1]], term = c("idios", "id", "theta"), stat = "ercomp",
               value = c(unname(ec$sigma2), unname(ec$theta))))
}
write.csv(out, "hausman_taylor_wages_plm.csv", row.names = FALSE)
