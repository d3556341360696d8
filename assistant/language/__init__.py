"""The language of committee papers, shared by every stage: the bottom layer.

    sentences     sentence splitting, extraction markup, comparing wordings
    figures       numbers, money and percentages; which of them are answers
    periods       dates as papers write them
    councils      the gazetteer of councils, found in text or left out of it
    vocabulary    content terms, stop words and the field's abbreviations
    questions     what a question asks for (a figure, a cause, a person, a rate of what)
    scoring       how much of a question a passage covers (term statistics)
    instructions  text in a paper that is aimed at an AI assistant

Nothing here imports a pipeline stage (ingest, index, retrieval, answering, ...): the
stages import this.
"""
