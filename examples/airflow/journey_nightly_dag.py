"""Nightly customer-journey run with Airflow: a PythonOperator calling scripts/submit.sh.

Exit status of the job (see docs/operations.md):
  0 success; 1 the run failed (pipeline_runs says why) -> retried;
  2 bad usage or configuration -> not retried (fix the config);
  3 another run holds the warehouse lock -> not retried (the other run is still going, or it
    crashed: the next run takes its lock over once its process is gone or its heartbeat stale).
AirflowFailException fails the task without using its retries; any other exception is retried.
"""
import subprocess
from datetime import datetime, timedelta

from airflow import DAG
from airflow.exceptions import AirflowFailException
from airflow.operators.python import PythonOperator

REPO = "/opt/journey-analytics"
NO_RETRY = {2: "bad usage or configuration", 3: "another run holds the warehouse lock"}


def submit(ds, **_):
    status = subprocess.call([
        f"{REPO}/scripts/submit.sh", "--master", "yarn", "--deploy-mode", "cluster",
        "--driver-memory", "4g", "--executor-memory", "8g", "--num-executors", "4",
        "--", "--run-date", ds, "--warehouse", "s3a://my-bucket/warehouse", "--exports", "s3a://my-bucket/exports",
    ])
    if status in NO_RETRY:
        raise AirflowFailException(f"journey job exit {status}: {NO_RETRY[status]}")
    if status != 0:
        raise RuntimeError(f"journey job exit {status}: the run failed, see pipeline_runs")


with DAG(
    dag_id="journey_nightly",
    start_date=datetime(2026, 11, 1),
    schedule="30 2 * * *",  # after the exports land; ds is the export day (yesterday)
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 2, "retry_delay": timedelta(minutes=20)},
) as dag:
    PythonOperator(task_id="journey_nightly", python_callable=submit)
