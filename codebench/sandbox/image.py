"""Sandbox images: a base image bootstrapped offline, and one image per `sandboxes/<name>/`.

No registry is needed: the base is a minimal Debian made with debootstrap (python3, pytest, git,
patch) and `docker import`ed; each sandbox image is built on it with networking off.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from codebench.errors import EngineUnavailableError, SandboxError
from codebench.sandbox.base import ImageSet
from codebench.sandbox.docker_backend import BUILD_TIMEOUT_SECONDS, docker_client
from codebench.sandbox.engine import Log, apt_install
from codebench.tasks.loader import iter_tree

BASE_IMAGE = "codebench-base:bookworm"
BASE_PACKAGES = ("python3", "python3-pytest", "git", "patch", "ca-certificates")
DEBIAN_SUITE = "bookworm"
DEBIAN_MIRROR = os.environ.get("CODEBENCH_DEBIAN_MIRROR", "http://deb.debian.org/debian")
# Trimmed from the bootstrapped tree: documentation and package caches the sandbox never reads.
TRIM_DIRS = (
    "usr/share/doc",
    "usr/share/man",
    "usr/share/info",
    "var/cache/apt",
    "var/lib/apt/lists",
)


def sandbox_tag(name: str, sandboxes_root: Path, base_id: str) -> str:
    """The tag of a sandbox image: changes whenever its folder or the base image changes."""
    digest = hashlib.sha256(base_id.encode())
    for relative, data in iter_tree(sandboxes_root / name):
        digest.update(relative.encode() + b"\0" + data)
    return f"codebench-{name}:{digest.hexdigest()[:12]}"


def ensure_image(name: str, sandboxes_root: Path, log: Log) -> str:
    """Return the id of sandbox image `name`, building it (and the base) if needed."""
    if not (sandboxes_root / name / "Dockerfile").is_file():
        raise SandboxError(
            f"{sandboxes_root / name / 'Dockerfile'} does not exist: no such sandbox"
        )
    client = docker_client(BUILD_TIMEOUT_SECONDS)
    try:
        base_id = _ensure_base(client, log)
        tag = sandbox_tag(name, sandboxes_root, base_id)
        existing = _find(client, tag)
        if existing is not None:
            return existing
        log(f"building sandbox image {tag} from {sandboxes_root / name} ...")
        image, _ = client.images.build(
            path=str(sandboxes_root / name),
            tag=tag,
            buildargs={"BASE_IMAGE": BASE_IMAGE},
            network_mode="none",
            rm=True,
            forcerm=True,
            pull=False,
        )
        return str(image.id)
    except Exception as exc:  # the SDK raises several unrelated types for build failures
        if isinstance(exc, SandboxError | EngineUnavailableError):
            raise
        raise SandboxError(f"could not build sandbox image {name!r}: {exc}") from exc
    finally:
        client.close()


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
            f"or `docker tag` an image with python3, pytest and git as {BASE_IMAGE}."
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
    """Every sandbox defined under `sandboxes_root` (a folder with a Dockerfile)."""
    return {p.name for p in sandboxes_root.iterdir() if (p / "Dockerfile").is_file()}


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
