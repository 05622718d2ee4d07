# Export the ADH (2013) data shipped with the ShiftShareSE R package (Kolesar,
# github.com/kolesarm/ShiftShareSE, data/ADH.rda) to CSV files read by
# tests/test_estimate_shiftshare.py::test_akm_reproduces_akm_table5.
# Usage: Rscript shiftshare_adh_export.R path/to/ADH.rda OUTDIR
# then MIGECON_ADH_DIR=OUTDIR pytest tests/test_estimate_shiftshare.py
# (or place OUTDIR at ../shared/data/shiftshare_adh/). Needs base R only.
args <- commandArgs(trailingOnly = TRUE)
load(args[1])
dir.create(args[2], showWarnings = FALSE)
write.csv(ADH$reg, file.path(args[2], "adh_reg.csv"), row.names = FALSE)
write.csv(data.frame(sic = ADH$sic), file.path(args[2], "adh_sic.csv"), row.names = FALSE)
write.csv(ADH$W, file.path(args[2], "adh_W.csv"), row.names = FALSE)
