"""The file `spark-submit` runs: `spark-submit [spark options] <this file> --input ... --output ... --snapshot ...`.

The same command as `sanctionwatch spark-screen`, its options after the file name; the session is the one
`spark-submit` configures (no `--master` needed). Its path: `python -c "import sanctionwatch.cli.spark_submit
as m; print(m.__file__)"`.
"""

from __future__ import annotations

import sys

from sanctionwatch.cli.app import app


def main() -> None:
    app(["spark-screen", *sys.argv[1:]], prog_name="sanctionwatch spark-screen")


if __name__ == "__main__":
    main()
