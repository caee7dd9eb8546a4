"""Sandbox images: a base image bootstrapped offline, and one image per environment.

No registry is needed: the base is a minimal Debian made with debootstrap (python3, git, patch)
and `docker import`ed; each environment (`sandboxes/<name>/environment.toml`) is built on it with
networking off, its virtual environment installed from the host's wheelhouse.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from codebench.errors import CodebenchError, EngineUnavailableError, SandboxError
from codebench.sandbox.base import ImageSet
from codebench.sandbox.docker_backend import BUILD_TIMEOUT_SECONDS, docker_client
from codebench.sandbox.engine import Log, apt_install
from codebench.sandbox.environment import Environment, environment_names, load_environment
from codebench.sandbox.recipe import build_context, pip_wheel, recipe_text
from codebench.sandbox.wheelhouse import ensure_wheelhouse
from codebench.tasks.tree import iter_tree

BASE_IMAGE = "codebench-base:bookworm"
# No python3-pytest: every environment has its own pytest, in its venv. python3 brings venv.
BASE_PACKAGES = ("python3", "git", "patch", "ca-certificates")
DEBIAN_SUITE = "bookworm"
DEBIAN_MIRROR = os.environ.get("CODEBENCH_DEBIAN_MIRROR", "http://deb.debian.org/debian")
# Trimmed from the bootstrapped tree: documentation and package caches the sandbox never reads.
BUILD_LOG_TAIL_LINES = 40
TRIM_DIRS = (
    "usr/share/doc",
    "usr/share/man",
    "usr/share/info",
    "var/cache/apt",
    "var/lib/apt/lists",
)


def sandbox_tag(env: Environment, base_id: str) -> str:
    """The tag of an environment's image: changes whenever its folder, its resolved
    requirements, the recipe or the base image changes."""
    digest = hashlib.sha256(base_id.encode() + b"\0" + env.key.encode() + b"\0")
    digest.update(recipe_text().encode() + b"\0")
    for relative, data in iter_tree(env.folder):
        digest.update(relative.encode() + b"\0" + data)
    return f"codebench-{env.name}:{digest.hexdigest()[:12]}"


def ensure_image(name: str, sandboxes_root: Path, log: Log) -> str:
    """Return the id of environment `name`'s image, building it (and the base) if needed.

    Only a missing image needs the wheelhouse (downloaded once on the host); the build itself
    runs with networking off.

    Raises:
        ConfigError: the environment's definition is missing or invalid.
        WheelhouseError: its requirements could not be downloaded.
        SandboxError: the build failed (the message ends with the build log's last lines).
    """
    env = load_environment(name, sandboxes_root)
    client = docker_client(BUILD_TIMEOUT_SECONDS)
    try:
        base_id = _ensure_base(client, log)
        tag = sandbox_tag(env, base_id)
        existing = _find(client, tag)
        if existing is not None:
            return existing
        wheelhouse = ensure_wheelhouse(env, log)
        log(f"building environment image {tag} from {env.folder} (offline) ...")
        return _build(client, tag, wheelhouse)
    except Exception as exc:  # the SDK raises several unrelated types for build failures
        if isinstance(exc, CodebenchError):
            raise
        raise SandboxError(f"could not build environment image {name!r}: {exc}") from exc
    finally:
        client.close()


def _build(client: Any, tag: str, wheelhouse: Path) -> str:
    import docker.errors

    try:
        image, _ = client.images.build(
            fileobj=io.BytesIO(build_context(wheelhouse)),
            custom_context=True,
            tag=tag,
            buildargs={"BASE_IMAGE": BASE_IMAGE, "PIP_WHEEL": pip_wheel(wheelhouse)},
            network_mode="none",
            rm=True,
            forcerm=True,
            pull=False,
        )
    except docker.errors.BuildError as exc:
        raise SandboxError(build_failure(tag, exc.msg, exc.build_log)) from exc
    return str(image.id)


def build_failure(tag: str, reason: str, build_log: Iterable[Mapping[str, Any]]) -> str:
    """The message of a failed build: the reason, then the last lines of the build log."""
    text = "".join(str(chunk.get("stream") or chunk.get("error") or "") for chunk in build_log)
    lines = [line for line in text.splitlines() if line.strip()]
    tail = "\n".join(lines[-BUILD_LOG_TAIL_LINES:])
    return f"building {tag} failed: {reason}\nthe last lines of the build log:\n{tail}"


def _find(client: Any, tag: str) -> str | None:
    import docker.errors

    try:
        return str(client.images.get(tag).id)
    except docker.errors.ImageNotFound:
        return None


def _ensure_base(client: Any, log: Log) -> str:
    existing = _find(client, BASE_IMAGE)
    if existing is not None:
        return existing
    log(f"no {BASE_IMAGE} image: bootstrapping a minimal Debian offline-style (about a minute)...")
    with tempfile.TemporaryDirectory(prefix="codebench-rootfs-", dir="/var/tmp") as work:
        rootfs = Path(work, "rootfs")
        _debootstrap(rootfs, log)
        archive = Path(work, "rootfs.tar")
        with tarfile.open(archive, "w") as tar:
            for entry in sorted(os.listdir(rootfs)):
                tar.add(rootfs / entry, arcname=entry)
        repository, tag = BASE_IMAGE.split(":")
        client.api.import_image(src=str(archive), repository=repository, tag=tag)
    imported = _find(client, BASE_IMAGE)
    if imported is None:
        raise SandboxError(f"docker import did not produce {BASE_IMAGE}")
    log(f"base image {BASE_IMAGE} ready.")
    return imported


def _debootstrap(rootfs: Path, log: Log) -> None:
    if os.geteuid() != 0:
        raise EngineUnavailableError(
            f"building {BASE_IMAGE} needs root (debootstrap); run `codebench setup` as root once, "
            f"or `docker tag` an image with python3 (3.11), git and patch as {BASE_IMAGE}."
        )
    if not shutil.which("debootstrap"):
        apt_install(["debootstrap"], log)
    argv = [
        "debootstrap",
        "--variant=minbase",
        f"--include={','.join(BASE_PACKAGES)}",
        DEBIAN_SUITE,
        str(rootfs),
        DEBIAN_MIRROR,
    ]
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SandboxError(f"debootstrap failed:\n{(done.stdout + done.stderr)[-3000:]}")
    for relative in TRIM_DIRS:
        shutil.rmtree(rootfs / relative, ignore_errors=True)


def sandbox_names(sandboxes_root: Path) -> set[str]:
    """Every environment defined under `sandboxes_root` (a folder with an environment.toml)."""
    return environment_names(sandboxes_root)


def prepare_images(keys: set[str], sandboxes_root: Path, log: Log) -> ImageSet:
    """Image ids for the given sandbox keys, after checking the engine and reaping orphans.

    Never installs or starts an engine: that is `codebench setup`'s job. Raises
    `EngineUnavailableError` when no engine answers, `SandboxError` when a build fails.
    """
    from codebench.sandbox.docker_backend import reap_orphans
    from codebench.sandbox.engine import ping_engine

    reason = ping_engine()
    if reason is not None:
        raise EngineUnavailableError(
            f"no Docker engine answers ({reason}); run `make setup` (or `codebench setup`) first, "
            "or pass --backend local for an UNSAFE run on the host"
        )
    reaped = reap_orphans()
    if reaped:
        log(f"removed {reaped} sandbox container(s) left by a killed run")
    return ImageSet({key: ensure_image(key, sandboxes_root, log) for key in sorted(keys)})
