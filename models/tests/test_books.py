from pathlib import Path

import pytest

from pipeline.books import book_facts, read_bib, title_from_file
from pipeline.errors import PipelineError

BIB = r"""
@book{dickens_great_1861,
	title = {Great Expectations},
	shorttitle = {{GE}},
	author = {Dickens, Charles},
	keywords = {{DNov}}
}

@book{ewing_jackanapes_1883,
	title = {Jackanapes},
	shorttitle = {jackanapes},
	author = {Ewing, Juliana Horatia and Caldecott, Randolph},
	keywords = {{ChiLit}}
}

@misc{corpus_entry,
	title = {The corpus itself, with no file}
}
"""


def test_titles_and_authors_come_from_the_bib_by_file_stem(tmp_path: Path):
    (tmp_path / "corpora.bib").write_text(BIB)
    bib = read_bib(tmp_path / "corpora.bib")
    assert set(bib) == {"GE", "jackanapes"}  # an entry without a shorttitle names no file
    assert book_facts(bib, "GE.txt") == {"title": "Great Expectations", "author": "Charles Dickens"}
    assert book_facts(bib, "jackanapes.txt")["author"] == "Juliana Horatia Ewing and Randolph Caldecott"


def test_a_book_the_bib_does_not_list_is_named_by_its_file():
    assert title_from_file("the_masterthief.txt") == "The Masterthief"
    assert book_facts({}, "hans_in_luck.txt") == {"title": "Hans in Luck"}
    assert read_bib(Path("/no/such/corpora.bib")) == {}


def test_an_unreadable_bib_is_a_clear_error(tmp_path: Path):
    (tmp_path / "corpora.bib").write_text("@book{broken,\n\ttitle = {Never closed\n")
    with pytest.raises(PipelineError, match="could not be read"):
        read_bib(tmp_path / "corpora.bib")
