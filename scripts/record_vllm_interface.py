"""Records the command-line interface of `vllm serve` and the environment
variables vLLM reads, from vLLM's own argument parser and `vllm.envs`, as
JSON into the file named by the first argument. Run inside a virtualenv that has exactly the vLLM to record
(scripts/record-vllm-interface.sh makes one). Nothing here is hand-written:
every option comes from the parser `vllm serve` itself builds.
"""
import argparse
import datetime
import importlib.metadata
import json
import os
import platform
import sys

# No GPU here, so vLLM's platform detection finds none, and building the
# parser instantiates DeviceConfig() for its defaults, which needs one. Set
# vLLM's own CPU platform (vllm.platforms.cpu.CpuPlatform) as the current
# platform: only argument definitions are read and no engine starts. Option
# names, value-taking and choices are declared statically in vLLM's config
# classes; the platform only feeds some default values, which are not
# recorded.
import vllm.platforms  # noqa: E402
from vllm.platforms.cpu import CpuPlatform  # noqa: E402

vllm.platforms.current_platform = CpuPlatform()

from vllm.entrypoints.cli.serve import ServeSubcommand  # noqa: E402
from vllm.utils.argparse_utils import FlexibleArgumentParser  # noqa: E402
import vllm.envs as envs  # noqa: E402


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
        },
        "positionals": positionals,
        "options": dict(sorted(options.items())),
        "environmentVariables": sorted(envs.environment_variables.keys()),
    }
    # A file, not stdout: vLLM logs to stdout while it imports.
    with open(sys.argv[1], "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
