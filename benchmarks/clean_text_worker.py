"""Run by the clean-text environment: time ``cleantext.clean`` (the PyPI clean-text package).

Usage: ``python -I clean_text_worker.py DOCS.json REPEAT``; prints a JSON list of seconds.
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
    times = []
    for _ in range(int(sys.argv[2])):
        start = time.perf_counter()
        for doc in docs:
            clean(doc)
        times.append(time.perf_counter() - start)
    print(json.dumps(times))


if __name__ == "__main__":
    main()
