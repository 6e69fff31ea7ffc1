"""Run by the clean-text environment: time ``cleantext.clean`` (the PyPI clean-text package).

Usage: ``python -I clean_text_worker.py DOCS.json``. It prints ``ready``, then for each line
``FIRST LAST`` read from stdin times ``clean()`` over documents ``FIRST`` to ``LAST - 1`` and
prints the seconds, so the benchmark can make it take turns with cleantext on the same text.
"""

import json
import sys
import time
import warnings


def main() -> None:
    warnings.simplefilter("ignore")
    from cleantext import clean  # clean-text's, thanks to the separate environment and -I

    with open(sys.argv[1], encoding="utf-8") as handle:
        docs = json.load(handle)
    print("ready", flush=True)
    for request in sys.stdin:
        first, last = map(int, request.split())
        start = time.perf_counter()
        for doc in docs[first:last]:
            clean(doc)
        print(time.perf_counter() - start, flush=True)


if __name__ == "__main__":
    main()
