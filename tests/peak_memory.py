"""How much a photo costs to decode or derive, in megabytes, measured in a fresh interpreter (Linux).

Pillow's image memory is not Python's, so tracemalloc does not see it. The peak resident set is
read from /proc/self/status (VmHWM), reset after the imports: getrusage's ru_maxrss would also
count the peak of the process that started the interpreter.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MEASURE = """
import json, sys
import pillow_heif
from PIL import Image
from media.photos import derive_photo
pillow_heif.register_heif_opener()

def status(field):
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024

with open("/proc/self/clear_refs", "w") as refs:
    refs.write("5")  # the peak starts again from what the imports left
before = status("VmRSS")
with open(sys.argv[2], "rb") as src:
    if sys.argv[1] == "decode":
        Image.open(src).load()
    else:
        display = derive_photo(src).display
        assert max(display.width, display.height) == 1600
print(json.dumps(status("VmHWM") - before))
"""


def grown_mb(what: str, path: Path) -> float:
    """Megabytes the peak resident set grows by while `what` ("decode" or "derive") handles the file."""
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, what, str(path)],
        cwd=ROOT,
        capture_output=True,
        check=True,
        timeout=120,
    )
    return float(json.loads(done.stdout))
