"""SKU handling.

A stockroom SKU is a three-letter family code, a dash and a four-digit
serial, optionally followed by a dash and a variant of one to three letters
or digits: ``BLT-0042``, ``BLT-0042-LG``. Serials shorter than four digits
are zero-padded, so ``blt 42`` and ``BLT-0042`` name the same item.
"""

import re
import warnings

import stockroom.errors as errors_mod

SERIAL_WIDTH = 4
SKU_RE = re.compile(r'^[A-Z]{3}-\d{4}(-[A-Z0-9]{1,3})?$')
_LOOSE_RE = re.compile(
    r'^([A-Za-z]{3})[\s_-]*(\d{1,4})(?:[\s_-]+([A-Za-z0-9]{1,3}))?$')


def normalize_sku(raw: str) -> str:
  """Return the canonical form of a SKU as a person might type it.

  Case, surrounding blanks, spaces or underscores instead of dashes and a
  short serial are forgiven. Anything else raises InvalidSku.
  """
  text = raw.strip() if isinstance(raw, str) else ''
  match = _LOOSE_RE.match(text)
  if match is None:
    raise errors_mod.InvalidSku(f'not a SKU: {raw!r}')
  family, serial, variant = match.groups()
  sku = f'{family.upper()}-{serial.zfill(SERIAL_WIDTH)}'
  if variant:
    sku = f'{sku}-{variant.upper()}'
  return sku


def is_valid_sku(sku) -> bool:
  """True if sku is already in canonical form."""
  return isinstance(sku, str) and SKU_RE.match(sku) is not None


def sku_family(sku: str) -> str:
  """The three-letter family code of a SKU."""
  return normalize_sku(sku)[:3]


def sku_variant(sku):
  """The variant suffix of a SKU, or None."""
  parts = normalize_sku(sku).split('-')
  return parts[2] if len(parts) == 3 else None


def clean_sku(raw):
  """Upper-case and strip a SKU.

  Deprecated since 0.4: use normalize_sku(), which also validates the SKU
  and pads the serial.
  """
  warnings.warn(
      'clean_sku() is deprecated; use normalize_sku()',
      DeprecationWarning, stacklevel=2)
  return raw.strip().upper()
