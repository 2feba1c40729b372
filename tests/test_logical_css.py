"""The stylesheet says start and end, never left and right (decision 93), so a right-to-left page mirrors."""
import re
from pathlib import Path

CSS = Path(__file__).resolve().parent.parent / "static" / "css" / "app.css"
PHYSICAL = re.compile(
    r"(?<![\w-])(margin|padding|border)-(left|right)(-\w+)?\s*:|(?<![\w-])(left|right)\s*:|"
    r"text-align\s*:\s*(left|right)|float\s*:\s*(left|right)|clear\s*:\s*(left|right)")
# A phone's notch is where it is, whichever way the page reads.
SAFE_AREA = re.compile(r"env\(safe-area-inset-(left|right)\)")


def test_no_physical_left_or_right_in_the_stylesheet():
    text = re.sub(r"/\*.*?\*/", "", CSS.read_text(), flags=re.S)
    found = [line for line in text.splitlines() if PHYSICAL.search(SAFE_AREA.sub("", line))]
    assert found == []


def test_four_sided_shorthands_are_symmetric():
    """`margin: 0 0 0 1rem` is a physical left margin in disguise."""
    text = re.sub(r"/\*.*?\*/", "", CSS.read_text(), flags=re.S)
    for match in re.finditer(r"(?<![\w-])(margin|padding)\s*:\s*([^;}]+)", text):
        values = match.group(2).split()
        if len(values) == 4 and "env(" not in match.group(2):
            assert values[1] == values[3], match.group(0)
