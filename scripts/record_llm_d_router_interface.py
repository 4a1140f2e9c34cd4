"""Records the interface of the llm-d-router endpoint picker (EPP) and the
P/D routing sidecar at one tag, from their source, into JSON:

- the EndpointPickerConfig apiVersions the config loader registers,
- the plugin types the EPP registers (every `Register(<pkg>.<Const>, ...)`
  call, with the constant resolved in its package) and, per plugin, the JSON
  field names declared in its package (a superset of its parameters),
- the EPP command-line flags (every `fs.<Type>Var(..., "name", ...)` in the
  packages whose AddFlags the runner calls) and the sidecar's,
- the namespaced RBAC the upstream Helm charts grant the EPP (inline rules of
  the charts' Role templates): what its informers list and watch.

Usage: record_llm_d_router_interface.py GIT_DIR TAG OUT.json
The repository is read with `git show TAG:path` only; nothing is built.
"""
import datetime
import json
import os
import re
import subprocess
import sys

git_dir, tag, out_path = sys.argv[1:4]


def git(*args: str) -> str:
    return subprocess.run(
        ["git", "-C", git_dir, *args], check=True, capture_output=True, text=True
    ).stdout


def show(path: str) -> str:
    return git("show", f"{tag}:{path}")


files = git("ls-tree", "-r", "--name-only", tag).splitlines()
go_files = [f for f in files if f.endswith(".go") and not f.endswith("_test.go")]
module = re.search(r"^module (\S+)", show("go.mod"), re.M).group(1)
read = []


def read_go(path: str) -> str:
    read.append(path)
    return show(path)


def package_files(pkg_dir: str):
    return [f for f in go_files if f.rsplit("/", 1)[0] == pkg_dir]


def imports(src: str):
    out = {}
    for alias, path in re.findall(r'^\s*(\w+)?\s*"([^"]+)"', src, re.M):
        name = alias or path.rsplit("/", 1)[-1]
        out[name] = path
    return out


def const_value(pkg_dir: str, name: str):
    for f in package_files(pkg_dir):
        m = re.search(rf"\b{name}\s*(?:string\s*)?=\s*\"([^\"]+)\"", show(f))
        if m:
            read.append(f)
            return m.group(1)
    return None


def json_fields(pkg_dir: str):
    names = set()
    for f in package_files(pkg_dir):
        names.update(re.findall(r'json:"([A-Za-z0-9_]+)', show(f)))
    return sorted(names)


# Plugin registrations anywhere in the EPP's non-test code.
plugins = {}
for f in go_files:
    if not (f.startswith("cmd/epp/") or f.startswith("pkg/epp/")):
        continue
    src = show(f)
    if "Register(" not in src:
        continue
    imps = imports(src)
    own_dir = f.rsplit("/", 1)[0]
    for qual, const in re.findall(
        r"\b(?:fwkplugin|plugin|plugins)\.Register\(\s*(?:(\w+)\.)?(\w+Type)\b", src
    ):
        if qual:
            path = imps.get(qual)
            if not path or not path.startswith(module):
                continue
            pkg_dir = path[len(module) + 1 :]
        else:
            pkg_dir = own_dir
        value = const_value(pkg_dir, const)
        if value:
            read.append(f)
            plugins[value] = {"package": pkg_dir, "parameterNames": json_fields(pkg_dir)}

FLAG_RE = re.compile(
    r"\bfs\.(\w+?)(?:Var)?P?\(\s*(?:&[\w.\[\]]+\s*,\s*)?(\"[\w.-]+\"|\w+)\s*,", re.S
)


def package_consts(pkg_dir: str):
    consts = {}
    for f in package_files(pkg_dir):
        consts.update(re.findall(r'^\s*(\w+)\s*(?:string\s*)?=\s*"([^"]*)"', show(f), re.M))
    return consts


def controller_runtime_zap_flags():
    """Flags controller-runtime's zap.Options.BindFlags adds, read from the
    module version go.mod requires (downloaded from the Go module proxy)."""
    version = re.search(r"sigs\.k8s\.io/controller-runtime (v\S+)", show("go.mod")).group(1)
    info = json.loads(
        subprocess.run(
            ["go", "mod", "download", "-json", f"sigs.k8s.io/controller-runtime@{version}"],
            check=True, capture_output=True, text=True,
        ).stdout
    )
    path = os.path.join(info["Dir"], "pkg/log/zap/zap.go")
    read.append(f"sigs.k8s.io/controller-runtime@{version}:pkg/log/zap/zap.go")
    src = open(path, encoding="utf-8").read()
    body = src[src.index("func (o *Options) BindFlags"):]
    body = body[: body.index("\n}\n")]
    return {
        "--" + name.strip('"'): {"type": kind, "takesValue": kind != "Bool"}
        for kind, name in FLAG_RE.findall(body)
    }


def flags_of(path: str):
    out = {}
    src = read_go(path)
    consts = package_consts(path.rsplit("/", 1)[0])
    for kind, name in FLAG_RE.findall(src):
        name = name.strip('"') if name.startswith('"') else consts.get(name)
        if not name:
            continue
        if kind in ("MarkDeprecated", "MarkHidden"):
            out.setdefault("--" + name, {"type": "?", "takesValue": True})
            out["--" + name][kind[4:].lower()] = True
        else:
            out["--" + name] = {**out.get("--" + name, {}), "type": kind, "takesValue": kind != "Bool"}
    if ".BindFlags(" in src:
        out.update(controller_runtime_zap_flags())
    return out


def find(pattern: str):
    return [f for f in go_files if re.search(pattern, f)]


epp_flags = {}
for path in find(r"^pkg/epp/server/options\.go$") + find(
    r"^pkg/common/observability/logging/options\.go$"
):
    epp_flags.update(flags_of(path))
sidecar_flags = {}
for path in find(r"^pkg/sidecar/proxy/options\.go$"):
    sidecar_flags.update(flags_of(path))

# apiVersions: the config API group the loader installs plus any it
# registers by hand. Tags that have no loader of their own (the
# llm-d-inference-scheduler era, <= v0.8) use the loader of the GAIE module
# their go.mod requires: read that from a GAIE checkout (GAIE_GIT_DIR).
def loader_api_versions(show_fn, note):
    loader_src = show_fn("pkg/epp/config/loader/configloader.go")
    note("pkg/epp/config/loader/configloader.go")
    versions = []
    reg = show_fn("apix/config/v1alpha1/zz_generated.register.go")
    note("apix/config/v1alpha1/zz_generated.register.go")
    m = re.search(r'GroupName\s*=\s*"([^"]+)"', reg)
    if m and "configapi.Install(scheme)" in loader_src:
        versions.append(f"{m.group(1)}/v1alpha1")
    for g, v in re.findall(
        r'deprecatedSchemeGroupVersion\s*=\s*schema\.GroupVersion\{Group:\s*"([^"]+)",\s*Version:\s*"([^"]+)"',
        loader_src,
    ):
        versions.append(f"{g}/{v}")
    return versions, "EnableStrict" in loader_src


if "pkg/epp/config/loader/configloader.go" in files:
    api_versions, strict = loader_api_versions(read_go, lambda p: None)
    loader_from = f"{module} {tag}"
else:
    gaie = re.search(
        r"sigs\.k8s\.io/gateway-api-inference-extension (v\S+)", show("go.mod")
    ).group(1)
    gaie_dir = os.environ.get("GAIE_GIT_DIR")
    if not gaie_dir:
        sys.exit(f"{tag} links GAIE {gaie} for its config loader: set GAIE_GIT_DIR to a gateway-api-inference-extension git dir")
    gaie_show = lambda p: subprocess.run(
        ["git", "-C", gaie_dir, "show", f"{gaie}:{p}"],
        check=True, capture_output=True, text=True,
    ).stdout
    api_versions, strict = loader_api_versions(
        gaie_show, lambda p: read.append(f"gateway-api-inference-extension@{gaie}:{p}")
    )
    loader_from = f"sigs.k8s.io/gateway-api-inference-extension {gaie} (required by go.mod)"

# Top-level fields of EndpointPickerConfig (decoding is strict: an unknown
# field is an error). apiVersion and kind come from the inline TypeMeta.
config_fields = ["apiVersion", "kind"]
for f in files:
    if re.match(r"^apix/config/v1alpha1/[^/]*types[^/]*\.go$", f):
        src = show(f)
        m = re.search(r"^type EndpointPickerConfig struct \{(.*?)^\}", src, re.M | re.S)
        if m:
            read.append(f)
            config_fields += [
                n for n in re.findall(r'json:"([A-Za-z0-9_]+)', m.group(1))
            ]

rbac = []
for f in files:
    if not re.match(r"^config/charts/[^/]+/templates/.*rbac.*\.yaml$", f):
        continue
    text = show(f)
    read.append(f)
    for groups, resources, verbs in re.findall(
        r"- apiGroups: \[([^\]]*)\]\s*\n\s*resources: \[([^\]]*)\]\s*\n\s*verbs: \[([^\]]*)\]",
        text,
    ):
        split = lambda s: sorted(x.strip().strip('"') for x in s.split(",") if x.strip())
        for g in split(groups) or [""]:
            for r in split(resources):
                rbac.append({"apiGroup": g, "resource": r, "verbs": split(verbs), "chart": f})

commit = git("rev-list", "-n", "1", tag).strip()
record = {
    "provenance": {
        "repository": "llm-d/llm-d-router",
        "module": module,
        "tag": tag,
        "commit": commit,
        "recordedOn": datetime.date.today().isoformat(),
        "command": f"scripts/record-llm-d-router-interface.sh <git dir> {tag}",
        "sources": sorted(set(read)),
        "method": "regular expressions over the Go source and chart templates at the tag (see scripts/record_llm_d_router_interface.py); plugin parameterNames are the JSON field names declared in the plugin's package, a superset of its parameters; rbac is the inline rules of the charts' Role templates",
    },
    "config": {"apiVersions": api_versions, "strictDecoding": strict, "loader": loader_from, "fields": sorted(set(config_fields))},
    "plugins": dict(sorted(plugins.items())),
    "eppFlags": dict(sorted(epp_flags.items())),
    "sidecarFlags": dict(sorted(sidecar_flags.items())),
    "rbac": sorted(rbac, key=lambda r: (r["apiGroup"], r["resource"], r["chart"])),
}
with open(out_path, "w", encoding="utf-8") as f:
    json.dump(record, f, indent=1, sort_keys=True)
    f.write("\n")
