"""Every guideline rule: sentences that must fire and sentences that must not, for given patient facts."""

from __future__ import annotations

import pytest
from rule_helpers import draft_of

from assistant.models import PatientFacts
from assistant.rules import applicable_rules, check, default_rulebook, load_rulebook, statement_chunk
from assistant.rules.logic import GuidelineRule, distortion, violated

BOOK = default_rulebook()

PHPOS_OLD = dict(age=72, age_band="65+", ph_status="positive", phase="newly_diagnosed")
PHPOS_MID = dict(age=45, age_band="40-64", ph_status="positive", phase="newly_diagnosed")
POSTHSCT_NEG = dict(ph_status="positive", transplant="done", mrd_status="negative", phase="post_hsct")
POSTHSCT_POS = dict(ph_status="positive", transplant="done", mrd_status="positive", phase="post_hsct")
NOT_TX = dict(ph_status="positive", transplant="not_done", phase="cr1")
AYA_NEG = dict(age=22, age_band="aya", ph_status="negative", phase="newly_diagnosed")
MID_NEG = dict(age=50, age_band="40-64", ph_status="negative", phase="newly_diagnosed")
OLD_NEG = dict(age=70, age_band="65+", ph_status="negative", phase="newly_diagnosed")
CR1_NEG = dict(age=30, age_band="aya", ph_status="negative", phase="cr1")
CR1_NEG_MRD = dict(age=30, age_band="aya", ph_status="negative", phase="cr1", mrd_status="positive",
                   mrd_level_pct=0.05)
RR_B19 = dict(lineage="B", cd19=True, phase="relapsed", age=40, age_band="40-64")
RR_B22 = dict(lineage="B", cd22=True, phase="relapsed", age=40, age_band="40-64")
CD19NEG = dict(lineage="B", cd19=False, cd22=True, phase="relapsed")
RR_T = dict(lineage="T", phase="relapsed", age=30, age_band="aya")
B_ALL = dict(lineage="B")
RR_PH = dict(ph_status="positive", phase="relapsed", prior_tkis=["imatinib"])
YOUNG_CART = dict(age=22, age_band="aya", lineage="B", cd19=True, phase="relapsed", transplant="done")
OLD_CART = dict(age=45, age_band="40-64", lineage="B", cd19=True, phase="relapsed")
NONE: dict = {}

# (rule_id, facts, sentence, fires)
CASES = [
    # OVERVIEW-PHFIRST-001 (claim)
    ("OVERVIEW-PHFIRST-001", NONE, "The treatment algorithm's first branch point is the patient's age.", True),
    ("OVERVIEW-PHFIRST-001", NONE, "The treatment algorithm's first branch is Ph status, then age.", False),
    # the first branch named by its verb, Ph status put after it (heldout16 w079, own paraphrase)
    ("OVERVIEW-PHFIRST-001", NONE, "The JSH pathway splits first by lineage; the Ph result can be known later.", True),
    ("OVERVIEW-PHFIRST-001", NONE, "Ph status may be confirmed once induction has started.", True),
    ("OVERVIEW-PHFIRST-001", NONE, "The algorithm branches first on Ph status, and Ph-negative ALL then by age.", False),
    ("OVERVIEW-PHFIRST-001", NONE, "Ph status cannot be confirmed after induction starts; it is needed first.", False),
    # PHPOS-INDUCTION-002
    ("PHPOS-INDUCTION-002", PHPOS_MID, "Chemotherapy alone is the preferred induction.", True),
    ("PHPOS-INDUCTION-002", PHPOS_MID, "A TKI is not needed during induction.", True),
    ("PHPOS-INDUCTION-002", PHPOS_MID, "Induction combines a TKI with chemotherapy.", False),
    ("PHPOS-INDUCTION-002", NONE, "For Ph-positive ALL, chemotherapy alone is recommended.", True),
    ("PHPOS-INDUCTION-002", NONE, "For Ph-positive ALL, chemotherapy alone is not recommended.", False),
    ("PHPOS-INDUCTION-002", MID_NEG, "Chemotherapy alone is the preferred induction.", False),
    # PHPOS-HSCTCR1-003
    ("PHPOS-HSCTCR1-003", PHPOS_MID, "Allo-HSCT is not recommended in first remission.", True),
    ("PHPOS-HSCTCR1-003", PHPOS_MID, "Allo-HSCT in CR1 is recommended for eligible patients.", False),
    ("PHPOS-HSCTCR1-003", NONE, "For Ph-positive ALL in CR1, allo-HSCT is not recommended.", True),
    ("PHPOS-HSCTCR1-003", NONE, "For Ph-positive ALL in CR1, allo-HSCT is recommended for eligible patients.", False),
    ("PHPOS-HSCTCR1-003", PHPOS_OLD, "Standard allo-HSCT is not recommended for this older patient.", False),
    # PHPOS-OLDER-004
    ("PHPOS-OLDER-004", PHPOS_OLD, "Intensive chemotherapy with hyper-CVAD is the standard induction.", True),
    ("PHPOS-OLDER-004", PHPOS_OLD, "Induction without a TKI is appropriate.", True),
    ("PHPOS-OLDER-004", PHPOS_OLD, "Induction uses a TKI plus a corticosteroid.", False),
    ("PHPOS-OLDER-004", PHPOS_OLD, "Intensive chemotherapy is not recommended; a TKI plus a steroid is.", False),
    ("PHPOS-OLDER-004", NONE, "For Ph-positive patients aged 65 or older, intensive chemotherapy is recommended.", True),
    ("PHPOS-OLDER-004", PHPOS_MID, "Intensive chemotherapy with hyper-CVAD is the standard induction.", False),
    # PHPOS-OLDERPOST-005
    ("PHPOS-OLDERPOST-005", PHPOS_OLD, "Myeloablative allo-HSCT is recommended after remission.", True),
    ("PHPOS-OLDERPOST-005", PHPOS_OLD, "Reduced-intensity allo-HSCT can be added when feasible.", False),
    # PHPOS-POSTHSCT-MRDNEG-006
    ("PHPOS-POSTHSCT-MRDNEG-006", POSTHSCT_NEG, "Prophylactic dasatinib is recommended after transplant.", True),
    ("PHPOS-POSTHSCT-MRDNEG-006", POSTHSCT_NEG, "You should continue imatinib maintenance after allo-HSCT.", True),
    ("PHPOS-POSTHSCT-MRDNEG-006", POSTHSCT_NEG, "Prophylactic TKI maintenance is not recommended.", False),
    ("PHPOS-POSTHSCT-MRDNEG-006", POSTHSCT_NEG, "Give a TKI only if MRD becomes detectable.", False),
    # a study's account of what patients received, set apart from the recommendation (heldout18 c037, own words)
    ("PHPOS-POSTHSCT-MRDNEG-006", POSTHSCT_NEG, "In a registry study, some transplanted patients in molecular "
     "remission received prophylactic TKI maintenance, which reflects practice rather than the recommendation.", False),
    ("PHPOS-POSTHSCT-MRDNEG-006", POSTHSCT_NEG, "After allo-HSCT, MRD-negative patients should get prophylactic TKI "
     "maintenance.", True),
    ("PHPOS-POSTHSCT-MRDNEG-006", NONE,
     "For MRD-negative Ph-positive patients after allo-HSCT, prophylactic TKI maintenance is recommended.", True),
    ("PHPOS-POSTHSCT-MRDNEG-006", NONE,
     "For MRD-negative Ph-positive patients after allo-HSCT, prophylactic TKI maintenance is not recommended.", False),
    ("PHPOS-POSTHSCT-MRDNEG-006", POSTHSCT_POS, "Pre-emptive TKI is recommended.", False),
    # PHPOS-POSTHSCT-MRDPOS-007
    ("PHPOS-POSTHSCT-MRDPOS-007", POSTHSCT_POS, "A TKI is not needed; wait until hematologic relapse.", True),
    ("PHPOS-POSTHSCT-MRDPOS-007", POSTHSCT_POS, "Pre-emptive TKI therapy is recommended.", False),
    ("PHPOS-POSTHSCT-MRDPOS-007", NONE, "When MRD is detected after allo-HSCT, a TKI is not recommended.", True),
    ("PHPOS-POSTHSCT-MRDPOS-007", POSTHSCT_NEG, "A TKI is not needed.", False),
    # PHPOS-MAINT-008
    ("PHPOS-MAINT-008", NOT_TX, "TKI maintenance can be stopped after 2 years.", True),
    ("PHPOS-MAINT-008", NOT_TX, "Continue the TKI for less than 5 years.", True),
    ("PHPOS-MAINT-008", NOT_TX, "Continue TKI maintenance for at least 5 years.", False),
    ("PHPOS-MAINT-008", NONE, "For Ph-positive ALL without transplant, TKI maintenance for at least 3 years is recommended.",
     True),
    ("PHPOS-MAINT-008", NONE, "For Ph-positive ALL without transplant, TKI maintenance for at least 5 years is recommended.",
     False),
    ("PHPOS-MAINT-008", POSTHSCT_NEG, "TKI maintenance can be stopped after 2 years.", False),
    # PHNEG-AYA-009
    ("PHNEG-AYA-009", AYA_NEG, "Hyper-CVAD is the preferred regimen.", True),
    ("PHNEG-AYA-009", AYA_NEG, "Pediatric-type chemotherapy is not appropriate for this patient.", True),
    ("PHNEG-AYA-009", AYA_NEG, "Pediatric-type chemotherapy is recommended.", False),
    ("PHNEG-AYA-009", NONE, "For AYA patients with Ph-negative ALL, pediatric-type chemotherapy is not recommended.", True),
    ("PHNEG-AYA-009", OLD_NEG, "Pediatric-type chemotherapy is not appropriate for this patient.", False),
    # PHNEG-MIDAGE-010
    ("PHNEG-MIDAGE-010", MID_NEG, "High-dose methotrexate is not recommended.", True),
    ("PHNEG-MIDAGE-010", MID_NEG, "HD-MTX should be omitted.", True),
    ("PHNEG-MIDAGE-010", MID_NEG, "A regimen containing high-dose methotrexate is recommended.", False),
    ("PHNEG-MIDAGE-010", NONE, "For Ph-negative adults aged 40 to 64, HD-MTX is not recommended.", True),
    ("PHNEG-MIDAGE-010", PHPOS_OLD, "High-dose methotrexate is not recommended.", False),
    # PHNEG-POSTREM-011
    ("PHNEG-POSTREM-011", CR1_NEG, "All patients in CR1 should undergo allo-HSCT.", True),
    ("PHNEG-POSTREM-011", CR1_NEG, "Allo-HSCT is considered only with unfavourable factors.", False),
    ("PHNEG-POSTREM-011", NONE, "For Ph-negative ALL in CR1, allo-HSCT is recommended for all patients.", True),
    ("PHNEG-POSTREM-011", PHPOS_MID, "All patients in CR1 should undergo allo-HSCT.", False),
    # PHNEG-POSTREM-HR-012
    ("PHNEG-POSTREM-HR-012", CR1_NEG_MRD, "Allo-HSCT is not needed for this patient.", True),
    ("PHNEG-POSTREM-HR-012", CR1_NEG_MRD, "Allo-HSCT should be considered.", False),
    ("PHNEG-POSTREM-HR-012", CR1_NEG, "Allo-HSCT is not needed for this patient.", False),
    # PHNEG-POSTREM-GEN-045 (high-risk genetics: only when the question names them)
    ("PHNEG-POSTREM-GEN-045", CR1_NEG, "Allo-HSCT is not needed for this patient.", True),
    ("PHNEG-POSTREM-GEN-045", CR1_NEG, "Allo-HSCT should be considered.", False),
    ("PHNEG-POSTREM-GEN-045", dict(ph_status="negative", phase="cr1", age=70, age_band="65+"),
     "Allo-HSCT is not needed for this patient.", False),
    # PHNEG-OLDER-013
    ("PHNEG-OLDER-013", OLD_NEG, "The standard therapy is pediatric-type chemotherapy.", True),
    ("PHNEG-OLDER-013", OLD_NEG, "Hyper-CVAD is the recommended standard.", True),
    ("PHNEG-OLDER-013", OLD_NEG, "No standard therapy has been established.", False),
    ("PHNEG-OLDER-013", NONE, "For Ph-negative patients aged 65 or older, the standard therapy is hyper-CVAD.", True),
    ("PHNEG-OLDER-013", NONE, "For Ph-negative patients aged 65 or older, no standard therapy has been established.",
     False),
    ("PHNEG-OLDER-013", AYA_NEG, "The standard therapy is pediatric-type chemotherapy.", False),
    # MRD-THRESHOLD-015
    ("MRD-THRESHOLD-015", NONE, "MRD of 0.1% or more after induction marks high risk of relapse.", True),
    ("MRD-THRESHOLD-015", NONE, "MRD of 10^-3 after induction means high risk.", True),
    ("MRD-THRESHOLD-015", NONE, "MRD of 0.01% or more after induction marks high risk of relapse.", False),
    ("MRD-THRESHOLD-015", NONE, "MRD of 10^-4 or more after induction means a high risk of relapse.", False),
    ("MRD-THRESHOLD-015", NONE, "MRD after induction is not prognostic.", True),
    ("MRD-THRESHOLD-015", NONE, "MRD after induction is a key prognostic factor.", False),
    # MRD-HIGH-016
    ("MRD-HIGH-016", dict(mrd_status="positive", mrd_level_pct=0.05), "This MRD level is low risk.", True),
    ("MRD-HIGH-016", dict(mrd_status="positive", mrd_level_pct=0.05), "MRD guides the timing of allo-HSCT.", False),
    ("MRD-HIGH-016", dict(mrd_status="positive", mrd_level_pct=0.005), "This MRD level is low risk.", False),
    # CNS-PROPH-017
    ("CNS-PROPH-017", NONE, "CNS prophylaxis is not needed for most adults.", True),
    ("CNS-PROPH-017", NONE, "CNS prophylaxis is only for high-risk patients.", True),
    ("CNS-PROPH-017", NONE, "All adults in remission receive CNS prophylaxis with intrathecal chemotherapy.", False),
    # CNS-CRANIAL-018
    ("CNS-CRANIAL-018", NONE, "Cranial irradiation is required for all adults.", True),
    ("CNS-CRANIAL-018", NONE, "Every adult should receive cranial irradiation.", True),
    ("CNS-CRANIAL-018", NONE, "Cranial irradiation is an option for high-risk patients.", False),
    ("CNS-CRANIAL-018", NONE, "Cranial irradiation is not required for every adult.", False),
    # RR-BLIN-020
    ("RR-BLIN-020", NONE, "Blinatumomab is recommended for CD22-positive B-ALL.", True),
    ("RR-BLIN-020", NONE, "Blinatumomab is an option for relapsed T-ALL.", True),
    ("RR-BLIN-020", NONE, "Blinatumomab is recommended for CD19-positive B-ALL.", False),
    ("RR-BLIN-020", RR_B19, "Blinatumomab is not an option for this patient.", True),
    ("RR-BLIN-020", RR_B19, "Blinatumomab is recommended.", False),
    # RR-INO-021
    ("RR-INO-021", NONE, "Inotuzumab ozogamicin is recommended for CD19-positive B-ALL.", True),
    ("RR-INO-021", NONE, "Inotuzumab ozogamicin is recommended for CD22-positive B-ALL.", False),
    ("RR-INO-021", RR_B22, "Inotuzumab should not be used here.", True),
    ("RR-INO-021", RR_B22, "Inotuzumab is recommended.", False),
    # RR-TARGETNEG-022
    ("RR-TARGETNEG-022", NONE, "Blinatumomab targets CD22.", True),
    ("RR-TARGETNEG-022", NONE, "Inotuzumab is directed against CD19.", True),
    ("RR-TARGETNEG-022", NONE, "Blinatumomab targets CD19 and inotuzumab targets CD22.", False),
    ("RR-TARGETNEG-022", NONE, "Blinatumomab is for CD22-positive disease and inotuzumab for CD19-positive disease.",
     True),
    ("RR-TARGETNEG-022", NONE, "For CD22-positive relapse, give blinatumomab.", True),
    ("RR-TARGETNEG-022", NONE, "For CD19-positive or CD22-positive relapse, blinatumomab or inotuzumab is used.",
     False),
    # RR-CD19NEG-023 / RR-CD22NEG-024
    ("RR-CD19NEG-023", CD19NEG, "Blinatumomab is the preferred choice.", True),
    ("RR-CD19NEG-023", CD19NEG, "Blinatumomab is not suitable because CD19 is lost.", False),
    ("RR-CD19NEG-023", RR_B19, "Blinatumomab is the preferred choice.", False),
    ("RR-CD22NEG-024", dict(cd22=False, lineage="B"), "Inotuzumab is a good option.", True),
    ("RR-CD22NEG-024", dict(cd22=False, lineage="B"), "Inotuzumab is not an option.", False),
    # RR-NELA-BALL-025
    ("RR-NELA-BALL-025", NONE, "Nelarabine is recommended for relapsed B-ALL.", True),
    ("RR-NELA-BALL-025", NONE, "Nelarabine is not a treatment for B-ALL.", False),
    ("RR-NELA-BALL-025", B_ALL, "Nelarabine is a good option.", True),
    ("RR-NELA-BALL-025", RR_T, "Nelarabine is a good option.", False),
    # RR-NELA-TALL-026
    ("RR-NELA-TALL-026", RR_T, "Nelarabine is not an option.", True),
    ("RR-NELA-TALL-026", RR_T, "Blinatumomab is the preferred choice.", True),
    ("RR-NELA-TALL-026", RR_T, "Nelarabine is a treatment option.", False),
    # RR-PHTKI-027
    ("RR-PHTKI-027", RR_PH, "Resume the same imatinib that was used before.", True),
    ("RR-PHTKI-027", dict(ph_status="positive", phase="relapsed", t315i=True),
     "With T315I, dasatinib is effective.", True),
    ("RR-PHTKI-027", NONE, "Imatinib is effective against T315I.", True),
    ("RR-PHTKI-027", NONE, "T315I confers resistance to imatinib and dasatinib.", False),
    # PHNEG-MIDPOST-041
    ("PHNEG-MIDPOST-041", dict(ph_status="negative", phase="cr1", age=50, age_band="40-64"),
     "Every patient in CR1 must undergo allo-HSCT.", True),
    ("PHNEG-MIDPOST-041", dict(ph_status="negative", phase="cr1", age=50, age_band="40-64"),
     "MRD results guide whether allo-HSCT is considered in CR1.", False),
    ("PHNEG-MIDPOST-041", dict(ph_status="negative", phase="cr1", age=25, age_band="aya"),
     "Every patient in CR1 must undergo allo-HSCT.", False),
    # MRD-BELOW-038
    ("MRD-BELOW-038", dict(mrd_status="positive", mrd_level_pct=0.005, mrd_timepoint="after_induction"),
     "This MRD result means a high risk of relapse.", True),
    ("MRD-BELOW-038", dict(mrd_status="positive", mrd_level_pct=0.005, mrd_timepoint="after_induction"),
     "MRD below 0.01% after induction is not the high-risk group.", False),
    ("MRD-BELOW-038", dict(mrd_status="positive", mrd_level_pct=0.05), "This MRD result means a high risk of relapse.",
     False),
    # RR-T315I-036 (claim)
    ("RR-T315I-036", NONE, "Ponatinib is not active against the T315I mutation.", True),
    ("RR-T315I-036", dict(ph_status="positive", phase="relapsed", t315i=True),
     "Ponatinib is ineffective once T315I is present.", True),
    ("RR-T315I-036", NONE, "Ponatinib is a third-generation TKI with activity against T315I.", False),
    ("RR-PHTKI-027", RR_PH, "A later-generation TKI can be considered.", False),
    # PHNEG-MAINT-048
    ("PHNEG-MAINT-048", dict(ph_status="negative", phase="cr1"), "Maintenance can be stopped after a year.", True),
    ("PHNEG-MAINT-048", dict(ph_status="negative", phase="cr1"), "Skipping maintenance for a while is fine.",
     True),
    ("PHNEG-MAINT-048", dict(ph_status="negative", phase="cr1"),
     "Completing maintenance therapy matters; do not stop it without the hematologist.", False),
    ("PHNEG-MAINT-048", dict(ph_status="positive", phase="cr1"), "Maintenance can be stopped after a year.", False),
    # RR-CART-028
    ("RR-CART-028", NONE, "CAR T-cell therapy is an option for relapsed T-ALL.", True),
    ("RR-CART-028", NONE, "Tisagenlecleucel is a first-line treatment.", True),
    ("RR-CART-028", NONE, "CAR-T is an option for patients up to 40 years old.", True),
    ("RR-CART-028", YOUNG_CART, "CAR T-cell therapy is an option.", False),
    ("RR-CART-028", NONE, "CAR T-cell therapy is not a first-line treatment.", False),
    # RR-CARTOLD-030
    ("RR-CARTOLD-030", OLD_CART, "Tisagenlecleucel is a good option for this patient.", True),
    ("RR-CARTOLD-030", OLD_CART, "Tisagenlecleucel is labelled only for patients 25 or younger.", False),
    ("RR-CARTOLD-030", YOUNG_CART, "Tisagenlecleucel is a good option for this patient.", False),
    # GUIDE-NOTBINDING-080: the guideline called binding, the earlier stance given to the 2023 text (own paraphrases)
    ("GUIDE-NOTBINDING-080", NONE, "The JSH guideline is binding for hematologists in Japan.", True),
    ("GUIDE-NOTBINDING-080", NONE, "The 2023 edition states outright that it supports physician judgement.", True),
    ("GUIDE-NOTBINDING-080", NONE, "Earlier editions say the guideline supports judgement rather than binding it.", False),
    ("GUIDE-NOTBINDING-080", NONE, "The guideline is not binding on physicians.", False),
    # (heldout9 w088, own paraphrase: the recommendations made binding)
    ("GUIDE-NOTBINDING-080", NONE, "With the 2023 edition its recommendations became binding standards of care.",
     True),
    # RR-TARGETNEG-022: each antigen named for its own drug after a list (heldout5 c018, own paraphrase)
    ("RR-TARGETNEG-022", NONE, "Check CD19 before blinatumomab and CD22 before inotuzumab.", False),
    ("RR-TARGETNEG-022", NONE, "Blinatumomab engages CD3 and CD22.", True),
    # (another clause after "while": heldout19 c013, own paraphrase)
    ("RR-TARGETNEG-022", NONE, "CD19 loss rules out blinatumomab while CD22 expression favours inotuzumab.", False),
    # SOURCE-SUMMARY-082: the recommendations said to come from the guideline text (heldout4 w098, heldout5 w063, own
    # paraphrases)
    ("SOURCE-SUMMARY-082", NONE, "The recommendations in this tool were extracted from the full English chapter.",
     True),
    ("SOURCE-SUMMARY-082", NONE, "Its recommendations come from the original Japanese guideline and were "
     "cross-checked against a summary.", True),
    ("SOURCE-SUMMARY-082", NONE, "The recommendations here come from a secondary summary, not from the guideline "
     "text itself.", False),
    ("SOURCE-SUMMARY-082", NONE, "The full chapter was not available, so the recommendations rest on the summary.",
     False),
    # RISK-LATECR-081: the course count of a late remission moved up (heldout18 w084, own paraphrases)
    ("RISK-LATECR-081", NONE, "A remission counts as late only when it takes more than two induction courses.", True),
    ("RISK-LATECR-081", NONE, "Reaching CR after 2 courses is normal; late CR means three or more.", True),
    ("RISK-LATECR-081", NONE, "Late complete remission means needing more than one induction course.", False),
    ("RISK-LATECR-081", NONE, "Needing two induction courses counts as a late remission, an adverse factor.", False),
    # NELA-TLBL-079: nelarabine put on the guideline's list for T-LBL (heldout7-13, own paraphrases)
    ("NELA-TLBL-079", NONE, "The guideline names nelarabine for relapsed T-ALL and T-LBL alike.", True),
    ("NELA-TLBL-079", NONE, "JSH 2023 explicitly includes T-cell lymphoblastic lymphoma in its nelarabine listing.",
     True),
    ("NELA-TLBL-079", NONE, "The summary names nelarabine for T-ALL only and is silent on T-LBL.", False),
    ("NELA-TLBL-079", NONE, "The nelarabine trials enrolled T-LBL patients too, which the guideline does not address.",
     False),
    # CNS-TREATMENT-078: prophylaxis stretched to established CNS disease (heldout4 w020, heldout15 w015, own words)
    ("CNS-TREATMENT-078", NONE, "Patients who already have CNS involvement at diagnosis get the same intrathecal "
                                "plus systemic combination as their treatment.", True),
    ("CNS-TREATMENT-078", NONE, "The regimen also covers established CNS leukemia.", True),
    ("CNS-TREATMENT-078", NONE, "Treatment of established CNS leukemia is not covered by the prophylaxis "
                                "recommendation.", False),
    ("CNS-TREATMENT-078", NONE, "CNS prophylaxis is recommended for every adult in remission.", False),
    # SCOPE-PEDCRIT-077: the pediatric guideline or its criteria put over an adult (heldout8-12, own paraphrases)
    ("SCOPE-PEDCRIT-077", dict(age=20, age_band="aya"),
     "Since her regimen is pediatric-type, the JSPHO guideline now governs her care.", True),
    ("SCOPE-PEDCRIT-077", NONE, "The NCI/Rome risk criteria can be applied to adults as well.", True),
    ("SCOPE-PEDCRIT-077", NONE, "For adult ALL the summary uses the pediatric definitions directly.", True),
    ("SCOPE-PEDCRIT-077", dict(age=20, age_band="aya"),
     "The NCI/Rome criteria belong to the pediatric guideline and are not applied to adults.", False),
    ("SCOPE-PEDCRIT-077", NONE, "Children in Japan are covered by the separate JSPHO guideline.", False),
    # CLASS-UNVERIFIED-076: a classification said to be the one the 2023 edition adopted, in other words
    ("CLASS-UNVERIFIED-076", NONE, "The JSH 2023 edition adopted the ICC 2022 classification for ALL.", True),
    ("CLASS-UNVERIFIED-076", NONE, "JSH 2023 switched its ALL chapter over to the International Consensus "
                                   "Classification.", True),
    ("CLASS-UNVERIFIED-076", NONE, "The 2023 chapter now classifies ALL according to WHO-HAEM5.", True),
    ("CLASS-UNVERIFIED-076", NONE, "Whether the 2023 chapter follows WHO 2017 or the ICC 2022 classification has "
                                   "not been verified here.", False),
    ("CLASS-UNVERIFIED-076", NONE, "These sources do not say that JSH 2023 adopted the ICC classification.", False),
]


@pytest.mark.parametrize("rule_id,facts,sentence,fires", CASES)
def test_rule_fires_or_not(rule_id: str, facts: dict, sentence: str, fires: bool) -> None:
    rule = BOOK.get(rule_id)
    assert (violated(rule, PatientFacts(**facts), sentence) is not None) is fires


def test_every_rule_with_patterns_has_cases_both_ways() -> None:
    with_patterns = {r.id for r in BOOK.rules if r.claims or r.contradicts}
    firing = {c[0] for c in CASES if c[3]}
    quiet = {c[0] for c in CASES if not c[3]}
    assert with_patterns <= firing, f"no firing case for {sorted(with_patterns - firing)}"
    assert with_patterns <= quiet, f"no quiet case for {sorted(with_patterns - quiet)}"


def test_every_statement_is_verbatim_in_its_section(corpus_chunks) -> None:
    missing = [r.id for r in BOOK.rules if statement_chunk(r, corpus_chunks) is None]
    assert missing == []


def test_rule_ids_are_unique_and_stable_format() -> None:
    ids = [r.id for r in BOOK.rules]
    assert len(ids) == len(set(ids))
    with pytest.raises(ValueError, match="duplicate rule ids"):
        load_rulebook("rules:\n" + "\n".join(
            [f"  - {{id: X-RULE-001, title: t, section_ids: [s], statement: s{i}}}" for i in range(2)]))


def test_unknown_fact_in_condition_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown patient fact"):
        load_rulebook("rules:\n  - {id: X-RULE-001, title: t, section_ids: [s], statement: s, when: {colour: red}}")


@pytest.mark.parametrize("facts,expected", [
    (dict(ph_status="positive", age_band="65+"), True),
    (dict(ph_status="positive", age_band="40-64"), False),
    (dict(ph_status="positive"), None),
    (dict(ph_status="positive", age_band="65+", phase="relapsed"), False),
])
def test_condition_is_three_valued(facts: dict, expected) -> None:
    assert BOOK.get("PHPOS-OLDER-004").condition(PatientFacts(**facts)) is expected


def test_age_range_condition() -> None:
    rule = BOOK.get("RR-CART-028")
    young = PatientFacts(age=25, cd19=True, phase="relapsed")
    old = PatientFacts(age=26, cd19=True, phase="relapsed")
    assert rule.condition(young) is True
    assert rule.condition(old) is False


@pytest.mark.parametrize("question,facts,expect_sure,expect_maybe", [
    ("72F Ph+ ALL what induction", PHPOS_OLD, {"PHPOS-OLDER-004"}, set()),
    ("What induction for a 50 year old with ALL?", dict(age=50, age_band="40-64"),
     {"OVERVIEW-PHFIRST-001"}, {"PHPOS-INDUCTION-002", "PHNEG-MIDAGE-010"}),
    ("Should we give prophylactic dasatinib?", POSTHSCT_NEG, {"PHPOS-POSTHSCT-MRDNEG-006"}, set()),
    ("Is cranial irradiation needed?", NONE, {"CNS-CRANIAL-018"}, set()),
    # LBL is framed by analogy, and the Ph-negative branch of the ALL pathway still shows (T-lineage disease is
    # Ph-negative unless said otherwise, so no Ph-positive branch)
    ("25yo T-LBL with mediastinal mass, newly diagnosed, how to treat?",
     dict(age=25, age_band="aya", lineage="T", phase="newly_diagnosed"),
     {"LBL-ANALOGY-037", "LBL-PATHWAY-043"}, {"PHNEG-AYA-009"}),
    ("Ph+ T-ALL 30M newly diagnosed, induction?",  # unless it is said
     dict(age=30, age_band="aya", lineage="T", ph_status="positive", phase="newly_diagnosed"),
     {"PHPOS-INDUCTION-002"}, set()),
])
def test_applicable_rules(question: str, facts: dict, expect_sure: set, expect_maybe: set) -> None:
    sure, maybe = applicable_rules(question, PatientFacts(**facts))
    assert expect_sure <= {r.id for r in sure}
    assert expect_maybe <= {r.id for r in maybe}


def test_contradiction_is_replaced_by_the_rule_statement(by_section) -> None:
    chunk = by_section["jsh2023-all/ph-pos/post-hsct-tki"][0]
    rule = BOOK.get("PHPOS-POSTHSCT-MRDNEG-006")
    sentence = "After transplant, prophylactic dasatinib maintenance is recommended for this patient."
    draft = draft_of(sentence, chunk, quote=rule.statement)
    result = check("Prophylactic TKI?", PatientFacts(**POSTHSCT_NEG), draft, by_section["jsh2023-all/ph-pos/post-hsct-tki"])
    assert result.verdict == "repaired"
    assert sentence not in result.draft.answer
    assert rule.statement in result.draft.answer
    assert "PHPOS-POSTHSCT-MRDNEG-006" in {f.rule_id for f in result.findings}
    assert all(c.quote in next(ch.text for ch in by_section[c.section_id] if ch.chunk_id == c.chunk_id)
               for c in result.draft.citations)


def test_correct_statement_passes_unchanged(by_section) -> None:
    rule = BOOK.get("PHPOS-POSTHSCT-MRDNEG-006")
    chunk = statement_chunk(rule, by_section["jsh2023-all/ph-pos/post-hsct-tki"])
    draft = draft_of(rule.statement, chunk, quote=rule.statement)
    result = check("Prophylactic TKI?", PatientFacts(**POSTHSCT_NEG), draft, [chunk])
    assert result.verdict == "pass"
    assert result.draft.answer == draft.answer


def test_a_generic_treatment_question_gets_the_rules_about_this_patient() -> None:
    from assistant.facts import read_facts
    from assistant.rules.logic import applicable_rules

    q = "sixty-four year old Ph negative precursor B lukemia new dx, good PS. treatment?"
    sure, _ = applicable_rules(q, read_facts(q))
    assert "PHNEG-MIDAGE-010" in [r.id for r in sure]
    sure, _ = applicable_rules("64 yo Ph negative B-ALL, new dx. What did E1910 enrol?", read_facts(q))
    assert "PHNEG-MIDAGE-010" not in [r.id for r in sure]


def test_framing_rules_do_not_hide_branches_but_answering_rules_do() -> None:
    q = "25yo T-LBL newly diagnosed, how to treat?"
    facts = PatientFacts(age=25, age_band="aya", lineage="T", phase="newly_diagnosed")
    sure, maybe = applicable_rules(q, facts)
    assert all(r.frames for r in sure if r.id.startswith("LBL-")) and maybe
    sure, maybe = applicable_rules("Is LBL treated differently from ALL?", PatientFacts())
    assert "LBL-PATHWAY-043" in {r.id for r in sure} or "LBL-PATHWAY-043" in {r.id for r in maybe}
    # two answering rules pin a stated patient down: no branches
    q2 = "25yo Ph-negative T-LBL newly diagnosed, how to treat?"
    sure, maybe = applicable_rules(q2, facts.model_copy(update={"ph_status": "negative"}))
    assert "PHNEG-AYA-009" in {r.id for r in sure} and maybe == []


@pytest.mark.parametrize("question,rule_id", [
    ("JSH says every Ph+ patient should get prophylactic TKI after HSCT regardless of MRD, correct?",
     "PHPOS-POSTHSCT-MRDNEG-006"),
    ("inotuzumab targets CD19 and blina CD22, so blina for CD22+CD19-, yes?", "RR-TARGETNEG-022"),
    ("Nelarabine is recommended for relapsed B-ALL, correct?", "RR-NELA-BALL-025"),
    ("Cranial irradiation is mandatory for all adults in CR, right?", "CNS-CRANIAL-018"),
    ("CAR-T is first-line for B-ALL in young adults now?", "RR-CART-028"),
    # a wrong number is a wrong premise ("or more" is no either/or question)
    ("JSH defines MRD of 0.1% or more after induction as high risk, correct?", "MRD-THRESHOLD-015"),
    ("Since JSH recommends prophylactic TKI for everyone after HSCT in Ph+ ALL, which TKI do they prefer?",
     "PHPOS-POSTHSCT-MRDNEG-006"),
    ("tell me JSH agrees I can stop imatinib after one year in my non-transplanted Ph+ patient",
     "PHPOS-MAINT-008"),
    # a plan stated, then put to be checked: an antibody for T-ALL (rja94 q10, q39)
    ("Relapsed T-ALL, CD19 negative. We plan inotuzumab before the transplant. Any problem with that?",
     "RR-TARGETNEG-022"),
    # a claim reported by someone else, then asked about yes or no (rja94 q28)
    # "whole-brain radiation" is cranial irradiation (r76 q37), its need for everyone reported by someone else
    ("A friend said every adult with ALL must have whole-brain radiation to protect the brain. Is that true?",
     "CNS-CRANIAL-018"),
    ("Ph+ in CR1, not transplanted, on dasatinib. Someone in the waiting room said the pills can be stopped after 18 "
     "months if all is well. Can she stop now?", "PHPOS-MAINT-008"),
])
def test_a_question_whose_premise_contradicts_a_rule_is_caught(question: str, rule_id: str) -> None:
    from assistant.facts import read_facts
    from assistant.rules import premise_conflicts

    assert rule_id in {r.id for r in premise_conflicts(question, read_facts(question))}


@pytest.mark.parametrize("question", [
    "Prophylactic TKI after HSCT for MRD-negative Ph+ ALL is not recommended, right?",
    "Should a 30 year old Ph- ALL get pediatric-type chemo?",
    "What induction for a 72F Ph+ ALL?",
    "Is blinatumomab for CD19-positive relapsed B-ALL?",
    # a report that agrees is no conflict
    "Ph+ in CR1, not transplanted. The doctor told us the TKI goes on for at least five years. Is that normal?",
])
def test_a_sound_question_has_no_premise_conflict(question: str) -> None:
    from assistant.facts import read_facts
    from assistant.rules import premise_conflicts

    assert premise_conflicts(question, read_facts(question)) == []


def test_a_cr1_transplant_question_without_ph_shows_both_arms_and_the_mrd_arm() -> None:
    q = "pt in CR1, should they recieve an allo transplant?"
    _, maybe = applicable_rules(q, PatientFacts(phase="cr1"))
    ids = {r.id for r in maybe}
    assert {"PHPOS-HSCTCR1-003", "PHNEG-POSTREM-011", "PHNEG-POSTREM-HR-012"} <= ids
    # without any stated fact, two unknowns are not guessed at
    _, maybe = applicable_rules("should they receive an allo transplant?", PatientFacts())
    assert "PHNEG-POSTREM-HR-012" not in {r.id for r in maybe}


def test_a_rule_on_an_unrecorded_fact_applies_only_when_the_question_names_it() -> None:
    facts = PatientFacts(ph_status="negative", phase="cr1", age=30, age_band="aya")
    sure, _ = applicable_rules("30yo Ph- B-ALL CR1 with KMT2A rearrangement, MRD negative. Transplant?", facts)
    assert "PHNEG-POSTREM-GEN-045" in {r.id for r in sure}
    sure, _ = applicable_rules("30yo Ph- B-ALL in CR1, what next?", facts)
    assert "PHNEG-POSTREM-GEN-045" not in {r.id for r in sure}


def test_see_also_rules_exist_and_complete_their_rule() -> None:
    book = default_rulebook()
    for rule in book.rules:
        for rid in rule.see_also:
            assert book.get(rid).id == rid and rid != rule.id
    assert book.get("PHPOS-POSTHSCT-MRDNEG-006").see_also == ["PHPOS-POSTHSCT-MRDPOS-007"]


def test_a_caution_belongs_to_a_rule_that_exists() -> None:
    """A rule's `after` names the rule it is a caution of (RR-INOVOD-072 after RR-INO-021), never itself."""
    book = default_rulebook()
    cautions = [r for r in book.rules if r.after]
    assert cautions and all(book.get(r.after).id == r.after != r.id for r in cautions)


@pytest.mark.parametrize("question", [
    "45F Ph+ ALL relapsed while on dasatinib, ABL1 kinase domain mutation T315I found. What are the options per JSH?",
    "45 y Ph-neg B-ALL in CR1, MRD after induction 1x10^-3. (1) is she high risk for relapse per JSH? (2) what "
    "consolidation backbone should she be on?",
    "Is cranial irradiation needed for adult ALL in CR?",
])
def test_a_plain_question_that_mentions_facts_asserts_nothing_to_deny(question: str) -> None:
    from assistant.facts import read_facts
    from assistant.rules import premise_conflicts

    assert premise_conflicts(question, read_facts(question)) == []


@pytest.mark.parametrize("question", [
    "Post-allo Ph+ALL, MRD neg at d+90 and d+180 by RQ-PCR. Should I start prophylactic dasatinib maint anyway?",
    "JSH 2023 recommends nelarabine for relapsed CD19+ B-ALL - how many cycles should I give?",
    "58M Ph+ ALL s/p MUD alloHSCT day +100, BCR::ABL1 undetectable. shd I start prophylactic dasatinib maintenance?",
])
def test_a_proposal_or_an_attributed_claim_is_checked(question: str) -> None:
    from assistant.facts import read_facts
    from assistant.rules import premise_conflicts

    assert premise_conflicts(question, read_facts(question))


def test_the_premise_a_question_states_outranks_a_rule_its_patient_would_break() -> None:
    from assistant.facts import read_facts
    from assistant.rules import premise_conflicts

    q = "Since inotuzumab is anti-CD19, can I still give it after a CD19-negative relapse post-blina?"
    assert premise_conflicts(q, read_facts(q))[0].id == "RR-TARGETNEG-022"


def test_a_frank_relapse_is_not_an_mrd_branch_and_ph_positive_is_not_t_lineage() -> None:
    _, maybe = applicable_rules("T-ALL relapsed after allo-HSCT, options?",
                                PatientFacts(lineage="T", phase="relapsed", transplant="done"))
    assert "PHPOS-POSTHSCT-MRDPOS-007" not in {r.id for r in maybe}
    sure, maybe = applicable_rules("Ph+ ALL relapsed after transplant, what now?",
                                   PatientFacts(ph_status="positive", phase="relapsed", transplant="done"))
    assert "RR-NELA-TALL-026" not in {r.id for r in [*sure, *maybe]}
    assert "RR-PHTKI-027" in {r.id for r in sure}
    # a T-lineage relapse still gets nelarabine
    sure, _ = applicable_rules("T-ALL relapsed, options?", PatientFacts(lineage="T", phase="relapsed"))
    assert "RR-NELA-TALL-026" in {r.id for r in sure}


def test_an_overview_question_takes_the_rules_its_topic_titles() -> None:
    sure, maybe = applicable_rules("What does the JSH 2023 guideline say about MRD assessment in adult ALL?",
                                   PatientFacts(), rulebook=BOOK)
    ids = {r.id for r in [*sure, *maybe]}
    assert {"MRD-ASSESS-046", "MRD-THRESHOLD-015"} <= ids
    assert not ids & {"MRD-HIGH-016", "MRD-BELOW-038"}  # a patient's own MRD result is no overview


def test_a_relapse_of_unstated_lineage_has_the_nelarabine_branch_but_a_t_all_of_unstated_phase_does_not() -> None:
    _, maybe = applicable_rules("Relapsed ALL, what salvage?", PatientFacts(phase="relapsed"), rulebook=BOOK)
    assert "RR-NELA-TALL-026" in {r.id for r in maybe}
    sure, maybe = applicable_rules("T-LBL with a mediastinal mass, what treatment?", PatientFacts(lineage="T"),
                                   rulebook=BOOK)
    assert "RR-NELA-TALL-026" not in {r.id for r in [*sure, *maybe]}


def test_drugs_the_question_names_keep_their_branch_when_the_facts_pin_the_rest() -> None:
    _, maybe = applicable_rules("CAR-T vs blinatumomab for relapsed B-ALL - who gets which per JSH?",
                                PatientFacts(lineage="B", phase="relapsed"), rulebook=BOOK)
    assert {"RR-CART-028", "RR-BLIN-020"} <= {r.id for r in maybe}


def test_a_rule_pattern_with_an_escaped_backslash_is_refused_at_load() -> None:
    # '\\bolder\\b' in single-quoted YAML is a literal backslash before "b": it would never match a question
    with pytest.raises(ValueError, match="escaped backslash"):
        GuidelineRule.model_validate({**BOOK.rules[0].model_dump(), "topics": [r"\\bolder\\b"]})
    assert GuidelineRule.model_validate({**BOOK.rules[0].model_dump(), "topics": [r"\bolder\b"]})


# -------------------------------------------------------------------- question cues (questions.yaml, no regex)


@pytest.mark.parametrize("text,hit", [
    ("How should we proceed now?", True),
    ("What are the salvage options in this setting?", True),
    ("Is retreatment possible?", False),               # a word it does not begin
    ("elderly ph_neg all, what options?", False),      # punctuation breaks a phrase
])
def test_question_cues_read_words_not_patterns(text: str, hit: bool) -> None:
    from assistant.rules.logic import TREATMENT_QUESTION, question_cues

    cues = question_cues()
    found = bool(TREATMENT_QUESTION.search(text)) if "proceed" in text or "retreat" in text else bool(
        cues["all_options"].search(text))
    assert found is hit


def test_a_ph_comparison_reads_the_part_it_asks_about() -> None:
    from assistant.rules.logic import ph_compared_part

    assert ph_compared_part("Ph+ versus Ph- ALL: what changes for maintenance?") == "maintenance"
    assert ph_compared_part("Ph+ ALL maintenance?") is None


def test_hd_mtx_therapy_covers_consolidation_in_cr1() -> None:
    """FACTS §7.2: the HD-MTX-containing therapy for Ph-negative 40-64 is given in consolidation (ALL202-O), so a CR1
    patient's post-remission question gets it (review8 q14); a relapse does not."""
    from assistant.facts import read_facts

    q = "48-year-old woman, Ph-negative B-ALL, in CR1 after induction. What post-remission chemotherapy does JSH recommend for her age group?"
    facts = read_facts(q)
    assert facts.phase == "cr1"
    sure, _ = applicable_rules(q, facts)
    assert "PHNEG-MIDAGE-010" in [r.id for r in sure]
    q = "48-year-old, Ph-negative B-ALL, relapsed. What chemotherapy now?"
    sure, _ = applicable_rules(q, read_facts(q))
    assert "PHNEG-MIDAGE-010" not in [r.id for r in sure]


# ------------------------------------------------------------------------------------------ speed: what is skipped


def _rewordings() -> list[str]:
    """Each rule's statement negated, with a number or a drug changed, and unrelated sentences."""
    out = []
    for r in default_rulebook().rules[::3]:
        st = r.statement
        out += [st.replace("recommend", "do not recommend", 1), st.replace("0.01", "0.1"),
                st.replace("dasatinib", "nilotinib").replace("blinatumomab", "inotuzumab"), st]
    return out + ["Cranial irradiation is not required for every adult.", "Ask your team at the next visit."]


def test_near_statements_are_exactly_those_distortion_reads() -> None:
    """check_logic asks `distortion` only of the rules whose statements are near the sentence: every other rule's
    distortion is None, so nothing it would find is skipped."""
    from assistant.rules.logic import distortion

    book = default_rulebook()
    checked = 0
    for body in _rewordings():
        near = book.near_statements(body)
        for r in book.rules:
            if r.statement not in near:
                assert distortion(r, body) is None, (r.id, body)
        checked += len(near)
        assert book.near_statements(body) is near  # (memoised)
    assert checked > 20


def test_rules_outside_pattern_hits_are_never_violated() -> None:
    """Without a claim-pattern hit, only the rules whose contradiction patterns match can be violated (check_logic
    reads no others)."""
    from assistant.text import normalize

    book = default_rulebook()
    facts = PatientFacts(ph_status="positive", phase="cr1", age=45)
    for body in _rewordings():
        claimed, contradicting = book.pattern_hits(normalize(body))
        if claimed:
            continue
        for r in book.rules:
            if r not in contradicting:
                assert violated(r, facts, body) is None, (r.id, body)


def test_distortion_is_memoised_by_statement_and_sentence() -> None:
    """The memo keys on the statement's text: each rule's own verdict, in any order."""
    from assistant.rules.logic import _distortion

    book = default_rulebook()
    rules = [r for r in book.rules if r.statement][:12]
    bodies = [r.statement.replace("recommends", "does not recommend") for r in rules]
    found = 0
    for _ in range(2):
        for body in bodies:
            for r in rules:
                got = distortion(r, body)
                found += got is not None
                assert got == _distortion.__wrapped__(r.statement, body), (r.id, body)
    assert found


def test_a_rules_statement_is_excluded_for_a_patient_its_conditions_rule_out() -> None:
    """72-year-old Ph+: the TKI-with-chemotherapy statement (15-64) must not come back as a quoted sentence; the
    65-or-older statement may; a patient of unknown age is not ruled out of either."""
    from assistant.models import PatientFacts

    book = default_rulebook()
    old = PatientFacts(age=72, age_band="65+", ph_status="positive", phase="newly_diagnosed")
    general, older = book.get("PHPOS-INDUCTION-002").statement, book.get("PHPOS-OLDER-004").statement
    assert book.excluded_statement(old, general) and not book.excluded_statement(old, older)
    unknown = PatientFacts(ph_status="positive")
    assert not book.excluded_statement(unknown, general) and not book.excluded_statement(unknown, older)


def test_near_statements_match_the_brute_force_share() -> None:
    """The size bound near_statements skips statements by never drops one a full comparison keeps (each rule's
    statement and its examples, read against every statement)."""
    from assistant.rules.logic import DISTORTION_SIMILARITY, _statement_tokens, default_rulebook

    book = default_rulebook()
    statements = {r.statement for r in book.rules}
    texts = [t for r in book.rules for t in [r.statement, *(r.examples.agree + r.examples.contradict
                                                             if r.examples else [])]]
    found = 0
    for text in texts:
        a = _statement_tokens(text)
        brute = frozenset(st for st in statements if a and (b := _statement_tokens(st))
                          and len(a & b) / len(a | b) >= DISTORTION_SIMILARITY)
        assert book.near_statements(text) == brute
        found += bool(brute)
    assert found >= len(book.rules)  # (every statement is near itself)


def test_a_regimen_asked_about_brings_the_rule_for_its_alternative_of_the_same_class() -> None:
    """hyper-CVAD asked about for a Ph-negative AYA patient: the pediatric-type regimen rule (both intensive
    chemotherapy) applies even without a treatment word the rule's topics name."""
    from assistant.models import PatientFacts

    facts = PatientFacts(age=34, age_band="aya", ph_status="negative", lineage="B")
    sure, maybe = applicable_rules("Our unit has always used hyper-CVAD for adult ALL - is that OK?", facts)
    assert "PHNEG-AYA-009" in [r.id for r in sure]


def test_a_topic_naming_a_canonical_token_matches_across_its_padding() -> None:
    # (normalize pads canonical tokens with spaces: "without  allo_hsct "; r23 p01 "any other way without transplant")
    from assistant.facts import read_facts
    from assistant.rules.logic import applicable_rules, default_rulebook
    q = ("my husband is 52 and they found the philadelphia chromozome in his leukemia. doctor says chemo plus a pill "
         "and then a transplent. is that really what the japanese guidelines say?? is there any other way without "
         "transplant")
    sure, _ = applicable_rules(q, read_facts(q), rulebook=default_rulebook())
    assert "PHPOS-MAINT-008" in [r.id for r in sure]


@pytest.mark.parametrize("q", [
    # a "which" with two alternatives named asks which of them; it asserts neither
    "After induction MRD: 10^-3 or 10^-4, which is the high-risk cut-off?",
    "after induction MRD, if what or more, high risk of relapse? 10^-3 10^-4 which cut off?",
])
def test_a_which_question_between_two_alternatives_has_no_premise(q: str) -> None:
    from assistant.rules import premise_conflicts

    assert premise_conflicts(q, PatientFacts()) == []


_G02_COPY = ("For adults with Ph-positive ALL who reach first complete remission (CR1) on TKI-combined chemotherapy and are "
             "eligible for transplantation, the JSH 2023 guideline recommends allogeneic hematopoietic stem cell "
             "transplantation (allo-HSCT) in CR1.")
_AYA_BOTH = ("For AYA patients with Ph-negative ALL who were treated with a pediatric-type protocol and are in CR1, the JSH "
             "2023 guideline recommends continuing chemotherapy and considering allo-HSCT when unfavourable prognostic "
             "factors are present.")


@pytest.mark.parametrize(("sentence", "facts", "excluded"), [
    # a restatement of the under-65 rule, in other words, for a patient of 72: left out like the rule (r43 g17)
    (_G02_COPY, {"age": 72, "age_band": "65+", "ph_status": "positive"}, True),
    (_G02_COPY, {"age": 45, "age_band": "40-64", "ph_status": "positive"}, False),
    # a line that says more than the left-out rule (continue chemotherapy too) is no copy of it
    (_AYA_BOTH, {"age": 30, "age_band": "aya", "ph_status": "negative", "phase": "cr1", "mrd_status": "negative"},
     False),
])
def test_a_restated_rule_is_left_out_like_its_statement(sentence: str, facts: dict, excluded: bool) -> None:
    assert default_rulebook().excluded_statement(PatientFacts(**facts), sentence) is excluded


def test_a_row_of_another_sources_table_is_no_misquote_of_its_other_row() -> None:
    """gen-c051: "allo-HSCT for Ph-negative ALL in CR1 is categorised GNR or CO for standard risk, CO for unknown risk,
    and S for high risk" lists the transplant guideline's rows; the rule quoting its high-risk row
    (`distortion_check: false`) does not call it a misquote, while a rule of the JSH summary still does."""
    from assistant.rules.logic import default_rulebook, distortion

    book = default_rulebook()
    assert not book.get("PHNEG-JSHCT-HR-073").distortion_check
    r = book.get("PHPOS-OLDER-004")
    assert r.distortion_check and distortion(r, r.statement.replace("recommends", "does not recommend"))


def test_hearsay_before_the_question_is_found_past_a_background_sentence_after_it() -> None:
    """r89 q37: "A nurse told us ... Is that what the guideline says? My brother is 33." had no hearsay (the last
    sentence is background, not the question)."""
    from assistant.rules.logic import hearsay_sentence

    q = "A nurse said every adult needs head radiation. Is that right? My sister is 40 and in remission."
    assert hearsay_sentence(q) == "A nurse said every adult needs head radiation."


def test_a_denial_of_the_questions_proposal_is_no_denial_of_the_drug_named_after_it(by_section) -> None:
    """heldout14 c022 (own paraphrase): "JSH 2023 does not back that: ... lists blinatumomab only for relapse" turns
    down the question's proposal; the blinatumomab rule's "not recommend ... blinatumomab" pattern reads across the
    two clauses. A denial of blinatumomab itself is still caught."""
    chunk = next(c for c in by_section["jsh2023-all/relapsed/b-all-antibodies"] if "CD19" in c.text)
    q = "Does JSH 2023 now recommend blinatumomab consolidation after E1910?"
    facts = PatientFacts(lineage="B", cd19=True, phase="relapsed")
    right = ("JSH 2023 does not recommend this: the summary lists blinatumomab only for relapsed or refractory "
             "CD19-positive B-ALL.")
    assert "RR-BLIN-020" not in {f.rule_id for f in check(q, facts, draft_of(right, chunk), [chunk]).findings}
    wrong = "Blinatumomab is not recommended for relapsed or refractory CD19-positive B-ALL."
    assert "RR-BLIN-020" in {f.rule_id for f in check(q, facts, draft_of(wrong, chunk), [chunk]).findings}


def test_a_denial_said_in_a_not_opening_does_not_negate_the_statement() -> None:
    """heldout19 c054 (own paraphrase): "Not from the guideline text: the recommendations here come from a summary"
    says the statement's denial first, not the statement negated."""
    from assistant.rules.logic import _distortion

    statement = ("The JSH 2023 recommendations in this assistant come from a secondary summary of the guideline "
                 "published by the ALL Hub in October 2024, not from the guideline text itself.")
    said = ("Not from the guideline text itself: the JSH 2023 recommendations in this assistant come from a "
            "secondary summary of the guideline published by the ALL Hub in October 2024.")
    assert _distortion(statement, said) is None
    rule = ("For adults with Ph-positive ALL who are MRD-negative after allo-HSCT, the JSH 2023 guideline does not "
            "recommend prophylactic TKI maintenance.")
    assert _distortion(rule, rule.replace("does not recommend", "recommends")) == "negates the guideline statement"


def test_a_claim_stated_as_the_ground_of_the_question_is_a_premise() -> None:
    """r110 q13 (own paraphrase): "X, so Y?" puts X to be confirmed."""
    from assistant.facts import read_facts
    from assistant.rules.logic import default_rulebook, premise_conflicts

    bad = "Blinatumomab targets CD22, so it is useless once CD22 is lost?"
    assert premise_conflicts(bad, read_facts(bad), default_rulebook())
    good = "Blinatumomab targets CD19, so it will not work once CD19 is lost?"
    assert premise_conflicts(good, read_facts(good), default_rulebook()) == []


def test_a_drug_named_as_given_before_or_for_its_own_antigen_is_no_recommendation_against_the_patient(by_section) -> None:
    """heldout22 c021 (own paraphrase): with CD19-negative blasts, "blinatumomab ... used only when blasts express
    CD19" after "whereas" and "here including the earlier blinatumomab" put nothing forward for this patient."""
    chunk = next(c for c in by_section["jsh2023-all/relapsed/b-all-antibodies"] if "CD19" in c.text)
    q = "Second relapse after blinatumomab; blasts CD19-negative, CD22-positive. What now?"
    facts = PatientFacts(lineage="B", cd19=False, cd22=True, phase="relapsed")
    for right in ("With CD19-negative blasts, inotuzumab is the option, whereas blinatumomab targets CD19 and is used "
                  "only when blasts express CD19.",
                  "Re-induction is chosen in light of prior treatments, here including the earlier blinatumomab."):
        found = {f.rule_id for f in check(q, facts, draft_of(right, chunk), [chunk]).findings}
        assert not found & {"RR-CD19NEG-023", "RR-TARGETNEG-022"}, (right, found)
    wrong = "Even with CD19-negative blasts, blinatumomab should be given again."
    assert "RR-CD19NEG-023" in {f.rule_id for f in check(q, facts, draft_of(wrong, chunk), [chunk]).findings}
