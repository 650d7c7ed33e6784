"""Special token ids, fixed for every stage and for the web app (no `tokenizers` import, so the
training stage runs where only PyTorch is installed)."""

SPECIALS = ["[PAD]", "[MASK]", "[EOS]"]
PAD_ID, MASK_ID, EOS_ID = 0, 1, 2
SPECIAL_IDS = [PAD_ID, MASK_ID, EOS_ID]
# The byte-level piece of "\n": paragraphs are separated by it (its id is written to config.json).
NEWLINE_PIECE = "\u010a"
