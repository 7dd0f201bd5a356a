"""Exceptions raised by adex.

Every failure of the C library becomes one of these, carrying the library's
message (``str(e)``), its status name (``e.status``, e.g. ``"ADEX_EINVAL"``)
and code (``e.code``). Each class also derives from the built-in exception
a BrainPy user would catch:

===================  ==========================  =========================
C status             adex exception              built-in base
===================  ==========================  =========================
ADEX_EINVAL          ``InvalidValueError``       ``ValueError``
ADEX_ESIZE           ``SizeError``               ``ValueError``
ADEX_ERANGE          ``RangeError``              ``ValueError``
ADEX_EMETHOD         ``UnknownMethodError``      ``ValueError``
ADEX_EFORMAT         ``StateFileError``          ``ValueError``
ADEX_EKEY            ``UnknownKeyError``         ``KeyError``
ADEX_ENOMEM          ``AdexMemoryError``         ``MemoryError``
ADEX_EIO             ``AdexIOError``             ``OSError``
ADEX_ENOTSUP         ``NotSupportedError``       ``NotImplementedError``
===================  ==========================  =========================

``UniqueNameError`` (a ``ValueError``) is raised for a name that another
live object holds, as BrainPy's error of the same name; ``ClosedError`` (a
``ValueError``, like operations on a closed file) for any use of a
population after ``close()``.
"""


class AdexError(Exception):
    """Base class of every adex error."""

    status = "ADEX_EINVAL"
    code = 1
    #: what was at fault, from the library (adex_errkey): a parameter
    #: ("tau"), an option ("tol"), "V_initializer", ...; "" when unnamed
    key = ""
    #: the neuron at fault (adex_errindex), or None
    index = None
    #: the message without the key and the neuron (adex_errreason)
    reason = ""

    def __init__(self, message="", status=None, code=None, key="",
                 index=None, reason=""):
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        if code is not None:
            self.code = code
        self.key, self.index = key, index
        self.reason = reason or message

    def __str__(self):
        return self.message


class InvalidValueError(AdexError, ValueError):
    """An invalid argument: a parameter, an option, a value (ADEX_EINVAL)."""


class SizeError(AdexError, ValueError):
    """A wrong size or shape (ADEX_ESIZE)."""

    status, code = "ADEX_ESIZE", 4


class RangeError(AdexError, ValueError):
    """A value out of range: a delay too long, an unstable dt (ADEX_ERANGE)."""

    status, code = "ADEX_ERANGE", 5


class UnknownMethodError(AdexError, ValueError):
    """An unknown integration method; the message lists the valid names
    (ADEX_EMETHOD)."""

    status, code = "ADEX_EMETHOD", 3


class StateFileError(AdexError, ValueError):
    """A state file that is damaged, foreign or does not fit the
    population (ADEX_EFORMAT)."""

    status, code = "ADEX_EFORMAT", 7


class UnknownKeyError(AdexError, KeyError):
    """An unknown variable, delay or state key (ADEX_EKEY)."""

    status, code = "ADEX_EKEY", 8

    def __str__(self):  # KeyError would quote the message
        return self.message


class AdexMemoryError(AdexError, MemoryError):
    """The library could not allocate memory (ADEX_ENOMEM)."""

    status, code = "ADEX_ENOMEM", 2


class AdexIOError(AdexError, OSError):
    """A file could not be read or written (ADEX_EIO)."""

    status, code = "ADEX_EIO", 6

    def __str__(self):
        return self.message


class NotSupportedError(AdexError, NotImplementedError):
    """A feature the loaded library does not offer (ADEX_ENOTSUP)."""

    status, code = "ADEX_ENOTSUP", 9


class UniqueNameError(AdexError, ValueError):
    """A name already held by another live object."""


class ClosedError(AdexError, ValueError):
    """The population was closed; its handle is gone."""


_BY_CODE = {1: InvalidValueError, 2: AdexMemoryError, 3: UnknownMethodError,
            4: SizeError, 5: RangeError, 6: AdexIOError, 7: StateFileError,
            8: UnknownKeyError, 9: NotSupportedError}


def from_status(code, status, message, key="", index=None, reason=""):
    """The exception for C status `code` (name `status`) with `message`
    and the failure's parts (key, neuron index, reason)."""
    cls = _BY_CODE.get(code, AdexError)
    return cls(message, status=status, code=code, key=key, index=index,
               reason=reason)
