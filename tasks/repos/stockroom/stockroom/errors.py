"""Exceptions raised by stockroom."""


class StockroomError(Exception):
  """Base class for every error stockroom raises on purpose."""


class InvalidSku(StockroomError):
  """A SKU does not follow the house format."""


class InvalidLocation(StockroomError):
  """A location code is malformed, or not usable where it was given."""


class UnknownItem(StockroomError):
  """No item is registered under the SKU."""


class InsufficientStock(StockroomError):
  """A pick or transfer asks for more than is on hand."""


class StorageError(StockroomError):
  """A stock file cannot be read or written."""
