#!/usr/bin/env python3
"""Loads one single-year-of-age CSV into PostgreSQL with dlt, the peer bench/dlt.sh compares
against: pyarrow reads the file in record batches (the input dlt's docs recommend for speed),
and dlt writes them with its CSV loader file format (COPY into PostgreSQL).

    dlt_load.py MODE CSV SOCKET_DIR PORT USER DATABASE STATE_DIR
MODE is `scd2` (merge, scd2 strategy: rows versioned, missing ones retired) or `merge`
(merge, delete-insert on the row's key: extract date, practice, sex, age).
"""
import os
import sys
import urllib.parse

# scd2 needs `_dlt_id` on every row, which the Arrow normalizer adds only when asked.
os.environ["NORMALIZE__PARQUET_NORMALIZER__ADD_DLT_ID"] = "true"

import dlt  # noqa: E402
import pyarrow.csv as pacsv  # noqa: E402
from dlt.sources.helpers.transform import add_row_hash_to_table  # noqa: E402


def main():
    mode, path, host, port, user, database, state = sys.argv[1:8]
    # The throwaway cluster listens on a Unix socket only (its directory is the host) and
    # trusts its local users; dlt insists on a password field, which the server ignores.
    # dlt builds a libpq URL from its credentials; libpq takes the socket directory from the
    # URL's `host` query parameter. dlt's scd2 step retires rows with `row_hash NOT IN (SELECT
    # row_hash FROM staging)`, which PostgreSQL runs as a hashed subplan only when the hash fits
    # in work_mem: at the default 4 MB a 1.2 M-row republication ran for over 15 minutes (the
    # staging table rescanned per row). dlt's sessions get room for it (dlt adds the URL's
    # `options` to its own).
    credentials = "postgresql://%s:unused@localhost:%s/%s?host=%s&options=%s" % (
        user, port, database, host, urllib.parse.quote("-c work_mem=256MB"))

    def batches():
        # Every column as text, as the file has it (dlt infers nothing it could get wrong).
        names = pacsv.open_csv(path).schema.names
        reader = pacsv.open_csv(path, read_options=pacsv.ReadOptions(block_size=8 << 20),
                                convert_options=pacsv.ConvertOptions(column_types={n: "string" for n in names}))
        for batch in reader:
            yield batch

    if mode == "scd2":
        # Row versions are told apart by a hash of each row's content (dlt's recipe for Arrow input).
        resource = dlt.resource(batches, name="sing_age", write_disposition={
            "disposition": "merge", "strategy": "scd2", "row_version_column_name": "row_hash"})
        resource.add_map(add_row_hash_to_table("row_hash"))
    else:
        resource = dlt.resource(batches, name="sing_age", write_disposition={"disposition": "merge", "strategy": "delete-insert"},
                                primary_key=["extract_date", "org_code", "sex", "age"])
    pipeline = dlt.pipeline(pipeline_name="bench_" + mode, destination=dlt.destinations.postgres(credentials=credentials),
                            dataset_name="dlt_" + mode, pipelines_dir=state, progress=None)
    info = pipeline.run(resource, loader_file_format="csv")
    info.raise_on_failed_jobs()


if __name__ == "__main__":
    main()
