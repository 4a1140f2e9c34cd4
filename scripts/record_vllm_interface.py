"""Records the command-line interface of `vllm serve` and the environment
variables vLLM reads, from vLLM's own argument parser and `vllm.envs`, as
JSON into the file named by the first argument. Run inside a virtualenv that has exactly the vLLM to record
(scripts/record-vllm-interface.sh makes one). Nothing here is hand-written:
every option comes from the parser `vllm serve` itself builds.

It also records the Prometheus metrics vLLM's V1 engine exports
(vllm/v1/metrics/loggers.py), read from that module's source with `ast`:
every metric object it creates with a literal name, its type and the
sample names a scrape shows (counters get `_total`, histograms `_bucket`,
`_sum`, `_count`; prometheus_client's naming). The rank card's PromQL is
checked against them.

    python record_vllm_interface.py OUT.json
        full record; needs vllm importable (scripts/record-vllm-interface.sh)
    python record_vllm_interface.py --metrics-from LOGGERS_PY RECORD.json SOURCE
        replace only the metrics of an existing record, from a copy of
        vllm/v1/metrics/loggers.py (e.g. out of the PyPI sdist); SOURCE says
        where it came from. Needs no vLLM install.
"""
import argparse
import ast
import datetime
import importlib.metadata
import json
import os
import platform
import sys

# prometheus_client metric classes vLLM's PrometheusStatLogger uses, by the
# attribute it calls them through (self._gauge_cls(...)) or their own name.
METRIC_CLASSES = {
    "_gauge_cls": "gauge",
    "_counter_cls": "counter",
    "_histogram_cls": "histogram",
    "Gauge": "gauge",
    "Counter": "counter",
    "Histogram": "histogram",
}
SAMPLE_SUFFIXES = {
    "gauge": [""],
    "counter": ["_total"],
    "histogram": ["_bucket", "_sum", "_count"],
}


def metric_records(source: str) -> list:
    """Every `<metric class>(name="vllm:...")` call in the module source."""
    found = {}
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        cls = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        kind = METRIC_CLASSES.get(cls)
        if kind is None:
            continue
        name = next(
            (k.value.value for k in node.keywords
             if k.arg == "name" and isinstance(k.value, ast.Constant)
             and isinstance(k.value.value, str)),
            None,
        )
        if name is None or not name.startswith("vllm:"):
            continue
        # prometheus_client strips a trailing _total from a counter's name
        # and adds it back on the sample.
        base = name[: -len("_total")] if kind == "counter" and name.endswith("_total") else name
        found[base] = {
            "name": base,
            "type": kind,
            "samples": [base + s for s in SAMPLE_SUFFIXES[kind]],
            "line": node.lineno,
        }
    return [found[k] for k in sorted(found)]


def import_vllm():
    """vLLM's parser, envs and metrics module, imported only for a full record."""
    # No GPU here, so vLLM's platform detection finds none, and building the
    # parser instantiates DeviceConfig() for its defaults, which needs one. Set
    # vLLM's own CPU platform (vllm.platforms.cpu.CpuPlatform) as the current
    # platform: only argument definitions are read and no engine starts. Option
    # names, value-taking and choices are declared statically in vLLM's config
    # classes; the platform only feeds some default values, which are not
    # recorded.
    import vllm.platforms
    from vllm.platforms.cpu import CpuPlatform

    vllm.platforms.current_platform = CpuPlatform()

    from vllm.entrypoints.cli.serve import ServeSubcommand
    from vllm.utils.argparse_utils import FlexibleArgumentParser
    import vllm.envs as envs
    import vllm.v1.metrics.loggers as loggers

    return ServeSubcommand, FlexibleArgumentParser, envs, loggers


def option_record(action: argparse.Action) -> dict:
    takes_value = action.nargs != 0
    kind = type(action).__name__
    record = {
        "action": kind,
        "takesValue": takes_value,
        "nargs": action.nargs if isinstance(action.nargs, (int, str)) else None,
        "type": getattr(action.type, "__name__", None) if action.type else None,
    }
    if action.choices is not None:
        record["choices"] = sorted(str(c) for c in action.choices)
    return record


def main() -> None:
    if sys.argv[1] == "--metrics-from":
        return replace_metrics(*sys.argv[2:5])
    ServeSubcommand, FlexibleArgumentParser, envs, loggers = import_vllm()
    root = FlexibleArgumentParser(prog="vllm")
    sub = root.add_subparsers(dest="subparser")
    serve = ServeSubcommand().subparser_init(sub)
    options = {}
    positionals = []
    for action in serve._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        if not action.option_strings:
            positionals.append(action.dest)
            continue
        for option in action.option_strings:
            options[option] = dict(option_record(action), dest=action.dest)
            # BooleanOptionalAction registers --no-X itself; a store_true
            # flag takes no value in either spelling.
            if option.startswith("--no-"):
                options[option]["takesValue"] = False
    version = importlib.metadata.version("vllm")
    out = {
        "provenance": {
            "component": "vllm",
            "version": version,
            "source": f"PyPI vllm=={version}, installed into a throw-away virtualenv",
            "parser": "vllm.entrypoints.cli.serve.ServeSubcommand().subparser_init (make_arg_parser), the parser `vllm serve` builds",
            "envSource": "keys of vllm.envs.environment_variables",
            "python": platform.python_version(),
            "recordedOn": datetime.date.today().isoformat(),
            "command": "scripts/record-vllm-interface.sh " + version,
            "platform": "vllm.platforms.cpu.CpuPlatform set as current platform (no GPU where recorded); defaults are not recorded",
            "flexibleArgumentParser": "FlexibleArgumentParser accepts underscores in long option names and rewrites them to dashes before parsing (vllm/utils/argparse_utils.py), so --foo_bar and --foo-bar are one option",
            "metricsSource": f"ast of vllm/v1/metrics/loggers.py as installed from PyPI vllm=={version}",
        },
        "positionals": positionals,
        "options": dict(sorted(options.items())),
        "environmentVariables": sorted(envs.environment_variables.keys()),
        "metrics": metric_records(open(loggers.__file__, encoding="utf-8").read()),
    }
    # A file, not stdout: vLLM logs to stdout while it imports.
    with open(sys.argv[1], "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")


def replace_metrics(loggers_py: str, record_json: str, source: str) -> None:
    with open(record_json, encoding="utf-8") as f:
        record = json.load(f)
    with open(loggers_py, encoding="utf-8") as f:
        record["metrics"] = metric_records(f.read())
    record["provenance"]["metricsSource"] = (
        f"ast of vllm/v1/metrics/loggers.py from {source}, recorded "
        f"{datetime.date.today().isoformat()} with --metrics-from"
    )
    with open(record_json, "w", encoding="utf-8") as f:
        json.dump(record, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"{len(record['metrics'])} metrics -> {record_json}")


if __name__ == "__main__":
    main()
