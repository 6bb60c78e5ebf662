"""The one CSV reading every import shares (the encodings refused, the header, `line N`, the report)
and the one formula guard every export writes its cells through."""
import csv
import io
from decimal import Decimal

import pytest

from flashpoint import csvfiles
from flashpoint.csvfiles import CsvFileError, ImportReport, decode, read_rows

TEXT = "email,name\njoão@example.test,João Gonçalves\n"


def test_utf8_with_and_without_a_bom_is_read():
    assert decode(TEXT.encode("utf-8")) == TEXT
    assert decode(b"\xef\xbb\xbf" + TEXT.encode("utf-8")) == TEXT


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_or_without_a_bom_is_refused_as_utf16(encoding):
    with pytest.raises(CsvFileError, match="UTF-16, not UTF-8") as refused:
        decode(TEXT.encode(encoding))
    assert "CSV UTF-8" in str(refused.value)


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252"])
def test_latin1_is_refused_naming_the_byte(encoding):
    data = TEXT.encode(encoding)
    with pytest.raises(CsvFileError) as refused:
        decode(data)
    message = str(refused.value)
    assert "not UTF-8" in message and "CSV UTF-8" in message
    assert f"byte {data.index('ã'.encode(encoding)) + 1} " in message


def test_an_empty_file_has_no_bytes_to_sniff():
    assert decode(b"") == ""
    with pytest.raises(CsvFileError, match="The file is empty: it needs a header row naming email,name"):
        read_rows("", ("email", "name"))


def test_a_missing_column_is_named_on_line_1():
    with pytest.raises(CsvFileError) as one:
        read_rows("email,team\nx@example.test,store\n", ("email", "name", "team"))
    assert str(one.value).startswith("line 1: missing column: name (the header must name email,name,team")
    with pytest.raises(CsvFileError, match="line 1: missing columns: name, team") as two:
        read_rows("email\n", ("email", "name", "team"), optional=("consent",))
    assert "consent optional" in str(two.value)


def test_header_names_ignore_case_spaces_and_a_stray_bom_and_extra_columns_are_kept_apart():
    rows = read_rows("\ufeff Email ,NAME,notes\na@example.test,A,hi,surplus\nb@example.test\n", ("email", "name"))
    assert rows[0] == (2, {"email": "a@example.test", "name": "A", "notes": "hi"}, ["surplus"])
    assert rows[1].values == {"email": "b@example.test", "name": "", "notes": ""}  # a short row
    assert rows[1].extra == []


def test_blank_lines_are_skipped_and_lines_are_numbered_as_an_editor_shows_them():
    text = ("email,name\n"
            "\n"                             # 2: blank
            "a@example.test,A\n"             # 3
            " , \n"                          # 4: only spaces
            "b@example.test,\"Two\nlines\"\r\n"  # 5-6: a quoted line break
            "\r\n"                           # 7
            "c@example.test,C")              # 8, no line break at the end
    assert [(row.line, row.values["email"]) for row in read_rows(text, ("email", "name"))] == [
        (3, "a@example.test"), (6, "b@example.test"), (8, "c@example.test")]


def test_text_that_is_not_csv_is_refused_with_its_line():
    with pytest.raises(CsvFileError, match=r"line 2: the file is not readable as CSV"):
        read_rows('email\n"' + "x" * (131073) + '"\n', ("email",))


def test_the_report_counts_rows_records_line_errors_and_discards():
    report = ImportReport()
    rows = report.read("email\n\na@example.test\nb@example.test\n", ("email",))
    assert report.ok and report.rows == 2 and [row.line for row in rows] == [3, 4]
    report.added, report.updated, report.unchanged = 1, 1, 0
    report.error(4, "something is wrong")
    report.discard()
    assert not report.ok and report.errors == ["line 4: something is wrong"]
    assert (report.added, report.updated, report.unchanged, report.rows) == (0, 0, 0, 2)


def test_a_file_the_report_cannot_read_is_its_one_error():
    report = ImportReport()
    assert report.read("name\nA\n", ("email",)) == []
    assert report.errors == ["line 1: missing column: email (the header must name email)."]
    assert csvfiles.SAVE_AS.endswith("try again.")


@pytest.mark.parametrize("text", ["=1+2", "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1",
                                  '=HYPERLINK("http://evil.example","click")', "-5 stars"])
def test_text_a_spreadsheet_would_run_as_a_formula_gets_a_leading_quote(text):
    assert csvfiles.safe_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["Amara", "a=b", "", " =1", "'=1", "5 stars"])
def test_other_text_is_written_as_it_is(text):
    assert csvfiles.safe_cell(text) == text


@pytest.mark.parametrize("number", [3, -3, 0.5, -0.42, Decimal("-1.5")])
def test_numbers_stay_numbers_even_when_negative(number):
    assert csvfiles.safe_cell(number) is number
    out = io.StringIO()
    csv.writer(out).writerow([csvfiles.safe_cell(number)])
    assert out.getvalue() == f"{number}\r\n"


def test_none_is_an_empty_cell():
    assert csvfiles.safe_cell(None) == ""


def test_a_quote_never_closed_is_an_error_on_the_line_it_opens_not_a_field_swallowing_the_rest():
    text = ("email,name\n"
            "a@example.test,A\n"
            "b@example.test,\"Bea\n"          # 3: the quote opens and is never closed
            "c@example.test,C\n"
            "d@example.test,D\n")
    with pytest.raises(CsvFileError, match=r"^line 3: .*quote.*never closed"):
        read_rows(text, ("email", "name"))


def test_a_quote_never_closed_on_the_last_line_without_a_line_break_is_refused():
    with pytest.raises(CsvFileError, match=r"^line 2: .*never closed"):
        read_rows('email,name\nb@example.test,"Bea', ("email", "name"))


def test_the_report_of_an_import_names_the_unclosed_quote():
    report = ImportReport()
    assert report.read('email,name\na@example.test,"A\nb@example.test,B\n', ("email", "name")) == []
    assert len(report.errors) == 1 and report.errors[0].startswith("line 2: ")
