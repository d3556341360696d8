"""A paper's own abbreviations: defined once ('the Rural Lift Partnership (RLP)'), used after."""

from assistant.index import context_line
from assistant.language.glossary import defined_abbreviations, spelled_out
from assistant.types import Passage, SourceDocument


def test_an_abbreviation_is_defined_by_the_words_its_letters_begin():
    text = ("The Rural Lift Partnership (RLP) began in 2021. Education, Health and Care Plans (EHCPs) are "
            "issued by the Department for Education (DfE) rules. Transport for City Regions (TCR) funding. "
            "The Kent Community Safety Trust’s (KCST) work. Figures are provisional (see below). "
            "The new scheme (XYZ) starts soon.")
    assert defined_abbreviations(text) == {
        "RLP": "Rural Lift Partnership",
        "EHCPs": "Education Health and Care Plans",  # the name's 'and' is left out of its letters
        "DfE": "Department for Education",
        "TCR": "Transport for City Regions",
        "KCST": "Kent Community Safety Trust",  # not the possessive
    }  # '(see below)' is no abbreviation, and no words before '(XYZ)' spell it


def test_a_passage_using_the_letters_is_indexed_with_the_name():
    document = SourceDocument("d", "transport.pdf", "h", glossary=(("RLP", "Rural Lift Partnership"),))
    using = Passage("p", "d", "The current RLP grant agreement expires on 31 March 2027.")
    assert "Rural Lift Partnership" in context_line(document, using)
    spelled = Passage("q", "d", "The Rural Lift Partnership (RLP) began in 2021.")
    assert spelled_out(dict(document.glossary), spelled.text) == ""  # already says it

