# Reference output for tests/test_panel_timeindex.py: plm's Crime data AS SHIPPED
# (years 81..87, text columns region and smsa). Run: Rscript crime_as_shipped_plm.R
# Output: crime_as_shipped_plm.csv (model,term,stat,value), printed with 15 significant digits.
# R 4, plm 2.6-2, sandwich.
library(plm)
library(sandwich)
data(Crime, package = "plm")
Crime$region <- factor(as.character(Crime$region))  # alphabetical levels: central, other, west
Crime$smsa <- factor(as.character(Crime$smsa))
out <- data.frame(model = character(), term = character(), stat = character(), value = numeric())
add <- function(model, est, se) {
  rbind(data.frame(model = model, term = names(est), stat = "coef", value = unname(est)),
        data.frame(model = model, term = names(se), stat = "se", value = unname(se)))
}
# 1. Two-way within (plm default vcov: RSS / (N - n - T + 1 - K)).
fw <- lcrmrte ~ lprbarr + lprbconv + lprbpris + lavgsen + lpolpc + ldensity + lpctymle
m1 <- plm(fw, data = Crime, index = c("county", "year"), model = "within", effect = "twoways")
out <- rbind(out, add("within_twoway", coef(m1), sqrt(diag(vcov(m1)))))
# 2. Pooled OLS with region and smsa categories, errors clustered by region (CR1 as Stata:
#    G/(G-1) (N-1)/(N-K)), and year dummies.
m2 <- lm(lcrmrte ~ lprbarr + lprbconv + lpolpc + region + smsa + factor(year), data = Crime)
v2 <- vcovCL(m2, cluster = ~region, type = "HC1", cadjust = TRUE)
out <- rbind(out, add("pooled_cl_region", coef(m2), sqrt(diag(v2))))
write.csv(out, "crime_as_shipped_plm.csv", row.names = FALSE)
options(digits = 15)
print(out)
