"""deploy/ agrees with the worker it deploys.

No container engine or cluster runs here, so the files are checked by reading them against
what they must match: the real `ironviper` binary (`ironviper worker --help` names every flag
and environment variable the worker reads; `ldd` names every shared library it loads) and the
Debian packages on this Debian 12 machine (`dpkg -S`, package dependencies). The binary is
IRONVIPER_BIN or .build/debug/ironviper, as for the other suites; without it, or without a
`worker` subcommand, these tests fail rather than skip.
"""
import os
import re
import shlex
import subprocess

import pytest
import yaml

from conftest import KEY as EMULATOR_KEY, ROOT
from daemon_harness import ironviper_binary

DEPLOY = os.path.join(ROOT, "deploy")
CONTAINERFILE = os.path.join(DEPLOY, "worker", "Containerfile")
IGNOREFILE = CONTAINERFILE + ".dockerignore"
SCALEDJOB = os.path.join(DEPLOY, "keda", "scaledjob.yaml")
KEDA_SECRET = os.path.join(DEPLOY, "keda", "secret.example.yaml")
ACA_JOB = os.path.join(DEPLOY, "container-apps", "worker-job.yaml")

# The worker's contract (docs/worker.md): the queue it reads by default and the variables it reads.
DEFAULT_QUEUE = "extract-queue"
CONNECTION_VARIABLE = "AZURE_STORAGE_CONNECTION_STRING"
QUEUE_VARIABLE = "IRONVIPER_WORKER_QUEUE"
IDLE_EXIT_VARIABLE = "IRONVIPER_WORKER_IDLE_EXIT"
CONCURRENCY_VARIABLE = "IRONVIPER_WORKER_CONCURRENCY"

# Packages every debian:bookworm-slim image already holds, so the Containerfile need not name
# them, with the reason each one is there. Only these may satisfy a library outside the
# dependencies of what the Containerfile installs.
BASE_IMAGE_PACKAGES = {
    "libc6": "Essential: libc, libm, libresolv, the dynamic loader",
    "libgcc-s1": "Priority required (libgcc_s, unwinding)",
    "libstdc++6": "a dependency of apt, which every Debian image has",
    "zlib1g": "Priority required (dpkg depends on it)",
}

# Variables every `ironviper` command reads (not only the worker, so `worker --help` does not list
# them), with the source file that reads each: a manifest may set these too.
PROCESS_VARIABLES = {"IRONVIPER_LOG_LEVEL": os.path.join(ROOT, "Sources", "ironviper", "LoggingSetup.swift")}

# Runtime files the binary opens by path (ldd cannot see them) and the package that must ship
# them: Sources/Imaging/ImagingConfiguration.swift names both paths.
IMAGING_CONFIGURATION = os.path.join(ROOT, "Sources", "Imaging", "ImagingConfiguration.swift")


# ---------------------------------------------------------------- reading the files

def yaml_documents(path):
    with open(path, encoding="utf-8") as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]


def all_deploy_yaml():
    found = []
    for folder, _, files in os.walk(DEPLOY):
        found += [os.path.join(folder, n) for n in files if n.endswith((".yaml", ".yml"))]
    return sorted(found)


def one_of_kind(path, kind):
    docs = [d for d in yaml_documents(path) if d.get("kind") == kind]
    assert len(docs) == 1, f"{path}: expected one {kind}, found {len(docs)}"
    return docs[0]


def containerfile_instructions():
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    with open(CONTAINERFILE, encoding="utf-8") as f:
        lines = [line for line in f.read().splitlines() if not line.lstrip().startswith("#")]
    joined, current = [], ""
    for line in lines:
        if line.rstrip().endswith("\\"):
            current += line.rstrip()[:-1] + " "
            continue
        current += line
        if current.strip():
            joined.append(current.strip())
        current = ""
    out = []
    for instruction in joined:
        word, _, rest = instruction.partition(" ")
        out.append((word.upper(), rest.strip()))
    return out


def installed_packages():
    """Every package an `apt-get install` (or `apt install`) in a RUN line names."""
    packages = []
    for word, rest in containerfile_instructions():
        if word != "RUN":
            continue
        for command in re.split(r"&&|\|\||;|\|", rest):
            tokens = shlex.split(command)
            while tokens and re.match(r"[A-Za-z_][A-Za-z0-9_]*=", tokens[0]):
                tokens.pop(0)  # VAR=value before the command
            for i in range(len(tokens) - 1):
                if tokens[i] in ("apt-get", "apt") and "install" in tokens[i + 1:]:
                    start = tokens.index("install", i) + 1
                    packages += [t.split("=")[0] for t in tokens[start:] if not t.startswith("-")]
                    break
    return packages


def exec_form(rest):
    assert rest.startswith("["), f"not in exec (JSON) form: {rest}"
    return yaml.safe_load(rest)  # a JSON array is YAML


# ---------------------------------------------------------------- the binary

@pytest.fixture(scope="module")
def binary():
    return ironviper_binary()


@pytest.fixture(scope="module")
def worker_help(binary):
    """`ironviper worker --help`: it must exist and document the worker's environment."""
    run = subprocess.run([binary, "worker", "--help"], capture_output=True, text=True, timeout=60)
    text = run.stdout + run.stderr
    assert run.returncode == 0, f"`ironviper worker --help` exited {run.returncode}: no worker subcommand yet?\n{text}"
    assert CONNECTION_VARIABLE in text, f"`ironviper worker --help` does not name {CONNECTION_VARIABLE}:\n{text}"
    return text


def documented(help_text, name):
    return re.search(r"(?<![\w-])" + re.escape(name) + r"(?![\w-])", help_text) is not None


# ---------------------------------------------------------------- the manifests

def keda_container(job):
    spec = job["spec"]["jobTargetRef"]["template"]["spec"]
    wanted = job["spec"].get("envSourceContainerName")
    containers = spec["containers"]
    return next(c for c in containers if c["name"] == wanted) if wanted else containers[0]


def env_entries(container):
    return {e["name"]: e for e in container.get("env", [])}


def aca_containers(job):
    return job["properties"]["template"]["containers"]


def queue_the_worker_reads(env):
    entry = env.get(QUEUE_VARIABLE)
    return entry["value"] if entry else DEFAULT_QUEUE


def test_every_yaml_document_parses():
    files = all_deploy_yaml()
    assert SCALEDJOB in files and KEDA_SECRET in files and ACA_JOB in files, files
    for path in files:
        docs = yaml_documents(path)
        assert docs, f"{path} holds no YAML document"
        for doc in docs:
            assert isinstance(doc, dict), f"{path}: a document is not a mapping: {doc!r}"


def test_worker_help_names_the_default_queue(worker_help):
    assert documented(worker_help, DEFAULT_QUEUE), "the manifests assume the worker reads extract-queue by default"
    for name in (QUEUE_VARIABLE, IDLE_EXIT_VARIABLE, CONCURRENCY_VARIABLE):
        assert documented(worker_help, name), f"`ironviper worker --help` does not name {name}"


def test_keda_scaledjob_scales_the_workers_queue_with_its_secret():
    job = one_of_kind(SCALEDJOB, "ScaledJob")
    assert job["apiVersion"] == "keda.sh/v1alpha1"
    spec = job["spec"]
    assert spec["minReplicaCount"] == 0, "scale from zero"
    assert isinstance(spec["maxReplicaCount"], int) and spec["maxReplicaCount"] >= 1
    assert isinstance(spec["pollingInterval"], int) and spec["pollingInterval"] >= 1
    for limit in ("successfulJobsHistoryLimit", "failedJobsHistoryLimit"):
        assert isinstance(spec[limit], int), f"{limit} unset: KEDA keeps 100 jobs"

    triggers = spec["triggers"]
    assert [t["type"] for t in triggers] == ["azure-queue"]
    meta = triggers[0]["metadata"]
    container = keda_container(job)
    env = env_entries(container)
    assert meta["queueName"] == queue_the_worker_reads(env)
    assert int(meta["queueLength"]) >= 1
    assert int(meta.get("activationQueueLength", "0")) >= 0
    assert "connection" not in meta, "a connection string in trigger metadata is a secret in plain text"

    # connectionFromEnv must name a variable the job's container really sets, from a Secret that exists.
    variable = meta["connectionFromEnv"]
    assert variable == CONNECTION_VARIABLE, "the scaler and the worker must read the same connection string"
    assert variable in env, f"connectionFromEnv {variable} is not set in container {container['name']}"
    ref = env[variable]["valueFrom"]["secretKeyRef"]
    secret = one_of_kind(KEDA_SECRET, "Secret")
    assert ref["name"] == secret["metadata"]["name"]
    assert secret["metadata"].get("namespace") == job["metadata"].get("namespace")
    keys = set(secret.get("stringData", {})) | set(secret.get("data", {}))
    assert ref["key"] in keys, f"Secret {ref['name']} has no key {ref['key']} (it has {sorted(keys)})"


def test_keda_job_runs_the_worker_to_completion():
    job = one_of_kind(SCALEDJOB, "ScaledJob")
    target = job["spec"]["jobTargetRef"]
    pod = target["template"]["spec"]
    container = keda_container(job)
    env = env_entries(container)
    assert pod["restartPolicy"] == "Never", "a job's worker that exited 0 at idle must not restart"
    idle = int(env[IDLE_EXIT_VARIABLE]["value"])
    assert idle > 0, "without an idle exit a job never completes"
    assert target["activeDeadlineSeconds"] > idle
    # A conversion in flight may take ImageMagick's time limit (60 s) before SIGKILL.
    assert pod["terminationGracePeriodSeconds"] >= 60

    resources = container["resources"]
    for side in ("requests", "limits"):
        assert {"cpu", "memory"} <= set(resources[side]), f"{side} needs cpu and memory"
    concurrency = env[CONCURRENCY_VARIABLE]
    if "valueFrom" in concurrency:
        assert concurrency["valueFrom"]["resourceFieldRef"]["resource"] == "limits.cpu"
    else:
        assert 1 <= int(concurrency["value"]) <= float(resources["limits"]["cpu"])

    # The image's non-root user and read-only root need a writable TMPDIR.
    assert pod["securityContext"]["runAsNonRoot"] is True
    if container.get("securityContext", {}).get("readOnlyRootFilesystem"):
        mounts = {m["mountPath"] for m in container.get("volumeMounts", [])}
        assert "/tmp" in mounts, "a read-only root file system needs a writable /tmp (TMPDIR)"


def test_container_apps_job_scales_the_workers_queue_with_its_secret():
    [job] = yaml_documents(ACA_JOB)
    config = job["properties"]["configuration"]
    assert config["triggerType"] == "Event"
    secrets = {s["name"]: s for s in config["secrets"]}
    scale = config["eventTriggerConfig"]["scale"]
    assert scale["minExecutions"] == 0, "scale from zero"
    assert isinstance(scale["maxExecutions"], int) and scale["maxExecutions"] >= 1
    assert isinstance(scale["pollingInterval"], int) and scale["pollingInterval"] >= 1

    [container] = aca_containers(job)
    env = env_entries(container)
    [rule] = scale["rules"]
    assert rule["type"] == "azure-queue"
    meta = rule["metadata"]
    assert meta["queueName"] == queue_the_worker_reads(env)
    assert int(meta["queueLength"]) >= 1
    assert "connection" not in meta, "a connection string in rule metadata is a secret in plain text"
    auth = {a["triggerParameter"]: a["secretRef"] for a in rule.get("auth", [])}
    if "connection" in auth:
        assert auth["connection"] in secrets, f"scale rule auth names secret {auth['connection']}, not in configuration.secrets"
        scaler_secret = auth["connection"]
    else:
        variable = meta["connectionFromEnv"]
        assert variable in env, f"connectionFromEnv {variable} is not set in the container"
        scaler_secret = env[variable]["secretRef"]

    assert CONNECTION_VARIABLE in env, f"the container does not set {CONNECTION_VARIABLE}"
    worker_secret = env[CONNECTION_VARIABLE].get("secretRef")
    assert worker_secret in secrets, f"{CONNECTION_VARIABLE} must come from one of configuration.secrets"
    assert worker_secret == scaler_secret, "the scaler and the worker must read the same connection string"

    idle = int(env[IDLE_EXIT_VARIABLE]["value"])
    assert idle > 0, "without an idle exit an execution never completes"
    assert config["replicaTimeout"] > idle
    assert isinstance(config["replicaRetryLimit"], int)

    # Consumption plan: at most 4 CPU, memory twice the CPU (the only combinations it accepts).
    cpu = float(container["resources"]["cpu"])
    memory = container["resources"]["memory"]
    assert 0 < cpu <= 4
    assert re.fullmatch(r"\d+(\.\d+)?Gi", memory), memory
    assert float(memory[:-2]) == 2 * cpu, f"{cpu} CPU needs {2 * cpu}Gi on the Consumption plan, not {memory}"
    assert 1 <= int(env[CONCURRENCY_VARIABLE]["value"]) <= max(1, int(cpu))


def test_secrets_in_the_repository_are_placeholders():
    values = list(one_of_kind(KEDA_SECRET, "Secret").get("stringData", {}).values())
    [job] = yaml_documents(ACA_JOB)
    values += [s.get("value", "") for s in job["properties"]["configuration"]["secrets"]]
    assert values
    for value in values:
        assert "REPLACE" in value, f"not an obvious placeholder: {value}"
        assert EMULATOR_KEY not in value
        key = re.search(r"AccountKey=([^;]*)", value)
        assert not key or not re.fullmatch(r"[A-Za-z0-9+/]{40,}={0,2}", key.group(1)), "looks like a real account key"
        assert "sig=" not in value, "looks like a real SAS"


def test_manifests_give_the_worker_only_what_it_reads(worker_help):
    """Every variable and flag the manifests and the Containerfile hand the worker is one it documents."""
    job = one_of_kind(SCALEDJOB, "ScaledJob")
    [aca] = yaml_documents(ACA_JOB)
    containers = [keda_container(job)] + aca_containers(aca)
    names, arguments = set(), []
    for container in containers:
        names |= set(env_entries(container))
        arguments += [str(a) for a in container.get("command", []) + container.get("args", [])]
    for word, rest in containerfile_instructions():
        if word in ("ENTRYPOINT", "CMD"):
            arguments += [str(a) for a in exec_form(rest)[1:]]
    assert {CONNECTION_VARIABLE, IDLE_EXIT_VARIABLE} <= names
    for name in sorted(names):
        if name in PROCESS_VARIABLES:
            with open(PROCESS_VARIABLES[name], encoding="utf-8") as f:
                assert f'"{name}"' in f.read(), f"{PROCESS_VARIABLES[name]} no longer reads {name}"
            continue
        assert documented(worker_help, name), f"the manifests set {name}, which `ironviper worker --help` does not name"
    for argument in arguments:
        if argument.startswith("-"):
            flag = argument.split("=")[0]
            assert documented(worker_help, flag), f"the deployment passes {flag}, unknown to `ironviper worker --help`"
        else:
            assert argument == "worker", f"unexpected argument {argument!r}"


# ---------------------------------------------------------------- the Containerfile

def test_containerfile_builds_a_non_root_worker_image_from_debian_12_slim():
    instructions = containerfile_instructions()
    froms = [rest for word, rest in instructions if word == "FROM"]
    assert len(froms) == 1 and re.fullmatch(r"debian:bookworm-slim(@sha256:[0-9a-f]{64})?", froms[0]), froms

    packages = installed_packages()
    assert packages, "the Containerfile installs nothing"
    dev = [p for p in packages if p.endswith("-dev") or "-dev:" in p]
    assert not dev, f"development packages in a runtime image: {dev}"
    for word, rest in instructions:
        if word == "RUN" and re.search(r"\bapt(-get)? install\b", rest):
            assert "--no-install-recommends" in rest, "recommends would pull in ImageMagick's ghostscript and fonts"

    users = [rest for word, rest in instructions if word == "USER"]
    assert users, "the image runs as root"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0"), f"the image runs as {user}"

    [entrypoint] = [exec_form(rest) for word, rest in instructions if word == "ENTRYPOINT"]
    assert entrypoint[1:2] == ["worker"], f"ENTRYPOINT must run `ironviper worker`: {entrypoint}"
    copies = [shlex.split(rest) for word, rest in instructions if word == "COPY"]
    destinations = [c[-1] for c in copies]
    assert entrypoint[0] in destinations, f"ENTRYPOINT runs {entrypoint[0]}, which no COPY puts there"

    # The build context is the repository root: the ignore file must let the binary through.
    with open(IGNOREFILE, encoding="utf-8") as f:
        exceptions = [line[1:].strip() for line in f if line.startswith("!")]
    with open(CONTAINERFILE, encoding="utf-8") as f:
        text = f.read()
    default_binary = re.search(r"ARG IRONVIPER_BINARY=(\S+)", text).group(1)
    assert default_binary in exceptions, f"{IGNOREFILE} excludes {default_binary}"
    assert "--static-swift-stdlib" in text, "the build instructions must link the Swift runtime statically"


def owning_packages_of(paths):
    """{path: Debian packages owning it} (with /lib vs /usr/lib merged); one `dpkg -S` call."""
    candidates = {}
    for path in paths:
        forms = []
        for p in (path, os.path.realpath(path)):
            forms.append(p)
            if p.startswith("/lib"):
                forms.append("/usr" + p)
            elif p.startswith("/usr/lib"):
                forms.append(p[len("/usr"):])
        candidates[path] = list(dict.fromkeys(forms))
    every = sorted({c for forms in candidates.values() for c in forms})
    run = subprocess.run(["dpkg", "-S", *every], capture_output=True, text=True)  # 1 when one is unknown
    owners_of = {}
    for line in run.stdout.splitlines():
        if line.startswith("diversion") or ": " not in line:
            continue
        owners, owned = line.rsplit(": ", 1)
        owners_of.setdefault(owned, set()).update(o.strip().split(":")[0] for o in owners.split(","))
    return {path: set().union(*(owners_of.get(c, set()) for c in forms)) for path, forms in candidates.items()}


def owning_packages(path):
    return owning_packages_of([path])[path]


def parse_depends(text):
    names = set()
    for clause in text.split(","):
        for alternative in clause.split("|"):
            name = alternative.strip().split(" ")[0].split(":")[0]
            if name:
                names.add(name)
    return names


def dependency_closure(packages):
    """The packages and everything they depend on (every alternative), from dpkg's database,
    or apt's for a package not installed on this machine."""
    run = subprocess.run(["dpkg-query", "-W", "-f=${Package}\t${Depends}, ${Pre-Depends}\n"],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    installed = {}
    for line in run.stdout.splitlines():
        name, _, depends = line.partition("\t")
        installed.setdefault(name, set()).update(parse_depends(depends))
    seen, todo = set(), list(packages)
    while todo:
        package = todo.pop()
        if package in seen:
            continue
        seen.add(package)
        if package in installed:
            depends = installed[package]
        else:
            run = subprocess.run(["apt-cache", "depends", "--no-recommends", "--no-suggests", "--no-conflicts",
                                  "--no-breaks", "--no-replaces", "--no-enhances", package],
                                 capture_output=True, text=True)
            # A virtual package (debconf-2.0) or one apt does not know adds nothing.
            names = re.findall(r"^\s*\|?(?:Pre)?Depends: <?([^\s>]+)>?", run.stdout, re.M) if run.returncode == 0 else []
            depends = {n.split(":")[0] for n in names}
        todo += sorted(depends - seen)
    return seen


def is_swift_toolchain(path):
    return "/lib/swift/" in os.path.realpath(path) or "/lib/swift/" in path


def test_containerfile_installs_every_library_the_binary_loads(binary):
    """Each library `ldd` resolves comes from a package the image gets.

    The binary's own NEEDED entries must be installed by name (or be in the base image);
    the libraries those pull in must be in the dependency closure of what is installed.
    Swift's runtime is left out: the image's binary is built with --static-swift-stdlib.
    """
    packages = installed_packages()
    for package in packages:
        known = subprocess.run(["dpkg-query", "-W", package], capture_output=True).returncode == 0 or \
            subprocess.run(["apt-cache", "show", package], capture_output=True).returncode == 0
        assert known, f"the Containerfile installs {package}, which Debian does not have"
    closure = dependency_closure(packages) | set(BASE_IMAGE_PACKAGES)

    run = subprocess.run(["ldd", binary], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    loaded = {}
    for line in run.stdout.splitlines():
        match = re.match(r"\s*(\S+) => (\S+) \(0x", line)
        if match:
            loaded[match.group(1)] = match.group(2)
        elif "not found" in line:
            pytest.fail(f"ldd cannot resolve a library of {binary}: {line.strip()}")
    assert loaded, f"ldd reported no libraries for {binary}"

    readelf = subprocess.run(["readelf", "-d", binary], capture_output=True, text=True)
    assert readelf.returncode == 0, readelf.stderr
    needed = set(re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", readelf.stdout))
    assert needed

    problems = []
    owners_of = owning_packages_of([p for p in loaded.values() if not is_swift_toolchain(p)])
    for soname, path in sorted(loaded.items()):
        if is_swift_toolchain(path):
            continue
        owners = owners_of[path]
        if not owners:
            problems.append(f"{soname} ({path}) belongs to no Debian package")
        elif soname in needed and not owners & (set(packages) | set(BASE_IMAGE_PACKAGES)):
            problems.append(f"{soname} is linked directly; install {' or '.join(sorted(owners))} by name")
        elif not owners & closure:
            problems.append(f"{soname} ({path}, from {', '.join(sorted(owners))}) is not in the image")
    assert not problems, "\n".join(problems)


def test_containerfile_ships_the_files_imaging_opens_by_path():
    """dcraw and an sRGB ICC profile: ldd cannot see them, the previews depend on them."""
    with open(IMAGING_CONFIGURATION, encoding="utf-8") as f:
        source = f.read()
    dcraw = re.search(r'dcrawPath: String = "([^"]+)"', source).group(1)
    profiles = re.findall(r'"(/usr/share/color/icc/[^"]+)"', source)
    assert profiles, "ImagingConfiguration.srgbProfilePaths not found"
    packages = set(installed_packages())

    dcraw_owners = owning_packages(dcraw)
    assert dcraw_owners, f"{dcraw} is not installed on this machine (scripts/setup installs dcraw)"
    assert dcraw_owners & packages, f"the image lacks {dcraw} ({', '.join(sorted(dcraw_owners))})"

    profile_owners = set()
    for profile in profiles:
        profile_owners |= owning_packages(profile)
    assert profile_owners, f"no sRGB profile of {profiles} is installed on this machine"
    assert profile_owners & packages, \
        f"the image lacks every sRGB profile Imaging looks for; install one of {sorted(profile_owners)}"

    assert "ca-certificates" in packages, "libcurl only recommends ca-certificates: HTTPS to Azure needs it"
