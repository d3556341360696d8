"""Table rows come out self-describing, including multi-row headers."""

from files import corpus_file

from assistant.index import context_line
from assistant.ingest import parse_file
from assistant.ingest.tables import TableReader
from assistant.types import Passage, SourceDocument


def words(text: str) -> int:
    return len(text.split())


def rows_of(prefix: str, part: int = 0) -> list[str]:
    parsed = parse_file(corpus_file(prefix), words, 400)
    return [p.text for p in parsed[part].passages if p.kind == "table_row"]


def test_three_row_kpi_header_names_every_column():
    rows = rows_of("north-somerset", part=2)
    dental = next(r for r in rows if r.startswith("Percentage of children in care with Dental checks"))
    for fragment in [
        "Q4 22-23: 41%", "Q1 2023-2024: 38%", "Q2 2023-2024: 34%", "Q3 2023-2024: 34%",
        "Target 23-24: 70%", "Polarity: Higher is better", "RAG: RED", "DOT: STABLE",
        "England 21-22: 70.0%", "Statistical Neighbour 21-22: 66.0%",
        "Area: At risk of Care, Cared for and Experienced Children and Young People",
    ]:
        assert fragment in dental, fragment


def test_rows_after_a_page_break_keep_the_header_and_the_area():
    rows = rows_of("north-somerset", part=2)
    # This row's block repeats the header, and its Area cell is blank ("Page 11" artefact).
    row = next(r for r in rows if r.startswith("Percentage of re-referrals within previous 12 months"))
    assert "Area: Early Help and Front Door Responses" in row
    assert "Q3 2023-2024: 17%" in row and "Target 23-24: 22%" in row
    assert not any(r.startswith(("Area", "Indicator")) for r in rows), "header rows leaked as data"


def test_two_row_header_with_years_and_label_column_name():
    rows = rows_of("barnsley-osc-2024")
    assert "Up to Date Plan: Children on a CPP — September 2023: 68%; October 2023: 58%" in rows
    assert "Case Supervisions: Children Looked After — September 2023: 59%; October 2023: 76%" in rows


def test_a_measure_named_under_its_date_keeps_both():
    # a treasury table: dates over measures over units, each a header row of its own
    lines = ["\t31/03/2024\t2024-25\t30/09/2024\t30/09/2024",
             "\tBalance\tMovement\tBalance\tAverage Rate",
             "\t£m\t£m\t£m\t%",
             "PWLB Loan\t456.3\t-23.9\t432.4\t4.33"]
    (row,) = TableReader().read(lines)
    assert row.serialise() == ("PWLB Loan — Balance 31/03/2024 (£m): £456.3m; Movement 2024-25 (£m): -£23.9m; "
                               "Balance 30/09/2024 (£m): £432.4m; Average Rate 30/09/2024 (%): 4.33")


def test_finance_table_units_and_totals_do_not_inherit_codes():
    rows = rows_of("north-somerset", part=3)
    corporate = next(r for r in rows if "Corporate Parenting —" in r)
    assert "Revised Budget (£): 13,210,850" in corporate
    assert "Projected Out-Turn Variance (£): 5,769,636" in corporate
    totals = next(r for r in rows if "Totals Children's Services budget reductions" in r)
    assert "Ref:" not in totals  # the blank Ref cell must not be carried down from CH11


def test_wrapped_first_cell_is_joined():
    rows = rows_of("barnsley-osc-2023")
    assert any(r.startswith("Average Caseload: Average FTE caseload for Assessment Team — June 22: 37.3") for r in rows)


def test_headerless_two_column_table():
    reader = TableReader()
    rows = reader.read(["February 2019\t18.5%", "May 2019\t14.9%"])
    assert [r.serialise() for r in rows] == ["February 2019 — 18.5%", "May 2019 — 14.9%"]


def test_a_rows_short_period_columns_are_indexed_as_members_say_them():
    """'How many ... in December 2024?' must find the row whose column reads 'Dec-24'; the
    spelled-out periods are searched with the row, never shown as its text."""
    row = Passage("r", "d", "Status: Non-UASC — Dec-23: 1,466; Mar-24: 1,460; Dec-24: 1,409", kind="table_row")
    context = context_line(SourceDocument("d", "q3.pdf", "h"), row)
    assert "December 2023, March 2024, December 2024" in context
    prose = Passage("p", "d", "Dec-24 figures are provisional.", kind="paragraph")
    assert "December 2024" not in context_line(SourceDocument("d", "q3.pdf", "h"), prose)


def test_a_units_note_in_the_header_names_no_column():
    # 'All figures in £m' above a finance table lands in its header cells, split mid-word.
    reader = TableReader()
    rows = reader.read([
        "\t\tAll f\tigures in £m\t",
        "Key Service\tRevenue Budget\tRevenue Forecast\tRevenue Variance\tSummary",
        "Care Leavers Service\t5.6\t4.7\t-0.9\tPage 13 of 54 Lower cost of placements",
    ])
    assert [r.serialise() for r in rows] == [
        "Key Service: Care Leavers Service — Revenue Budget: £5.6m; Revenue Forecast: £4.7m; "
        "Revenue Variance: -£0.9m; Summary: Lower cost of placements"
    ]


def test_a_tables_note_of_units_gives_every_bare_figure_its_unit():
    # in the caption ('All figures in £m' set above the header), or in a header row; a
    # figure with its own unit (a percentage) and a year are left as they are
    reader = TableReader()
    rows = reader.read([
        "Directorate\tBudget\tForecast\tVariance\tVariance %\tYear",
        "Children, Young People & Education\t430.6\t420.8\t-9.9\t-2.3%\t2024",
        "Directorates Position\t1,432.3\t1,455.6\t+ 23.3\t+1.6%\t2024",
    ], caption="All figures in £m Directorate Revenue")
    assert [r.serialise() for r in rows] == [
        "Directorate: Children, Young People & Education — Budget: £430.6m; Forecast: £420.8m; Variance: -£9.9m; "
        "Variance %: -2.3%; Year: 2024",
        "Directorate: Directorates Position — Budget: £1,432.3m; Forecast: £1,455.6m; Variance: +£23.3m; "
        "Variance %: +1.6%; Year: 2024",
    ]
    savings = TableReader().read([
        "\tAll figures in £000s\t",
        "Saving\tTarget\tForecast",
        "Review of the green waste contract\t-621.0\t-400",
    ])
    assert savings[0].serialise() == "Saving: Review of the green waste contract — Target: -£621.0k; Forecast: -£400k"
    # no note: figures stay as the table prints them
    plain = TableReader().read(["Service\tBudget", "Family Hubs\t8.4"], caption="Family hubs budget")
    assert plain[0].serialise() == "Service: Family Hubs — Budget: 8.4"


def test_a_table_of_periods_joins_the_cells_wrapped_onto_the_rows_below():
    rows = TableReader().read([
        "By 2025-26\tBy 2026-27\tBetween 2029-32",
        "2FE\t0FE\t",
        "150 Year 7\t180 Year 7\t7FE",
        "temp places\ttemp places\t",
    ])
    assert [r.serialise() for r in rows] == [
        "By 2025-26: 2FE 150 Year 7 temp places; By 2026-27: 0FE 180 Year 7 temp places; Between 2029-32: 7FE"
    ]


def test_a_table_of_periods_keeps_rows_of_figures_apart():
    rows = TableReader().read(["2022\t2023", "45%\t50%", "12\t13"])
    assert [r.serialise() for r in rows] == ["2022: 45%; 2023: 50%", "2022: 12; 2023: 13"]


def test_header_words_broken_before_their_last_letter_are_mended():
    rows = TableReader().read(["Key Service\tRevenu e Budget\tRevenu e Forecas t\tRevenu e Varianc e",
                               "Family Hubs\t8.4\t7.2\t-1.2"])
    assert rows[0].serialise() == "Key Service: Family Hubs — Revenue Budget: 8.4; Revenue Forecast: 7.2; Revenue Variance: -1.2"


def test_a_money_unit_over_one_column_is_the_unit_of_its_money_columns():
    # the appendix prints '£m' once over 'Working Budget | Forecast | Variance'; the reading
    # gives it to one column, and the others' figures would be bare
    rows = TableReader().read([
        "Directorate, Division & Key Service\tWorking Budget\tForecast £m\tVariance\tFTE",
        "Family Hubs (Integrated Children's Services)\t8.4\t7.2\t-1.2\t35",
    ])
    assert rows[0].serialise() == ("Directorate, Division & Key Service: Family Hubs (Integrated Children's Services) — "
                                   "Working Budget: £8.4m; Forecast £m: £7.2m; Variance: -£1.2m; FTE: 35")
    # two units: each column as printed
    mixed = TableReader().read(["Service\tBudget £m\tCost per place £000s\tForecast", "Fostering\t8.4\t52\t8.1"])
    assert mixed[0].serialise() == "Service: Fostering — Budget £m: 8.4; Cost per place £000s: 52; Forecast: 8.1"
