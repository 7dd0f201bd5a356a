"""The object machinery of BrainPy's ``Base`` / ``DynamicalSystem``: names,
children (``nodes``), variables (``vars``), integrators (``ints``), implicit
nodes and variables. Names are the C library's (one registry shared with
every population made through C), so a name is unique across both.
"""

import itertools
import threading
import weakref

import numpy as np

from . import _lib
from .errors import UniqueNameError

__all__ = ["Collector", "Base", "ODEIntegrator", "JointEq"]


class Collector(dict):
    """A dict of name -> object, as BrainPy's ``Collector``."""

    def subset(self, var_type):
        """The entries whose value is an instance of `var_type`."""
        return type(self)((k, v) for k, v in self.items()
                          if isinstance(v, var_type))

    def unique(self):
        """The entries with distinct values (by identity), first key kept."""
        seen, out = set(), type(self)()
        for k, v in self.items():
            if id(v) not in seen:
                seen.add(id(v))
                out[k] = v
        return out

    def __add__(self, other):
        out = type(self)(self)
        out.update(other)
        return out


class TensorCollector(Collector):
    """A Collector of arrays (BrainPy's ``TensorCollector``)."""


# Counters of automatic names asked for through unique_name(); the C
# library keeps its own for the objects it names, and both skip names in
# use.
_name_lock = threading.Lock()
_name_counters = {}


def check_name(name):
    """Raise ValueError unless `name` is a valid identifier for an object."""
    if not isinstance(name, str):
        raise ValueError("name must be a str or None, got %r" % (name,))
    try:
        ok = _lib.lib.adex_name_is_valid(name.encode("ascii"))
    except UnicodeEncodeError:
        ok = False
    if not ok:
        raise ValueError('"%s" isn\'t a valid identifier according to '
                         'Python language definition (ASCII letters, digits '
                         'and _, not starting with a digit, shorter than %d '
                         'characters).' % (name, _lib.NAME_MAX))


def name_in_use(name):
    return bool(_lib.lib.adex_name_in_use(name.encode("ascii")))


def new_unique_name(type_):
    """A name `type_` + k that no live object holds."""
    with _name_lock:
        start = _name_counters.get(type_, 0)
        for k in itertools.count(start):
            cand = "%s%d" % (type_, k)
            if len(cand) >= _lib.NAME_MAX:
                raise ValueError("type_ %r is too long for a name" % type_)
            if not name_in_use(cand):
                _name_counters[type_] = k + 1
                return cand
    raise AssertionError("unreachable")


class Base:
    """What every adex object shares with BrainPy's ``Base``."""

    def __init__(self):
        self.implicit_nodes = Collector()
        self.implicit_vars = TensorCollector()

    # --------------------------------------------------------------- names

    def unique_name(self, name=None, type_=None):
        """Get the unique name for this object.

        With `name`, check it (a valid identifier that no other live object
        holds: ValueError / UniqueNameError) and return it. Without, return
        a fresh automatic name, ``type_`` (default: the class name) plus a
        counter, that no live object holds."""
        if name is None:
            if type_ is None:
                type_ = type(self).__name__
            if not isinstance(type_, str) or not type_:
                raise ValueError("type_ must be a non-empty str, got %r"
                                 % (type_,))
            try:
                check_name(type_ + "0")
            except ValueError:
                raise ValueError(
                    "type_ %r cannot start a name: the names made from it "
                    "(%r, ...) must be valid identifiers (ASCII letters, "
                    "digits and _, not starting with a digit, shorter than "
                    "%d characters)" % (type_, type_ + "0", _lib.NAME_MAX))
            return new_unique_name(type_)
        check_name(name)
        if name_in_use(name) and name != getattr(self, "_name", None):
            raise UniqueNameError(
                'In BrainPy/adex, each object should have a unique name. '
                'However, we detect that the name "%s" is used by another '
                'live object.' % name)
        return name

    @property
    def name(self):
        return self._name

    @name.setter
    def name(self, value):
        raise AttributeError("name is fixed when the object is created")

    # --------------------------------------------------------------- nodes

    def _child_nodes(self):
        """(attribute name, node) of the object's own children."""
        return []

    def _own_vars(self):
        """(relative name, array) of the object's own variables."""
        return []

    def register_implicit_nodes(self, *nodes, **named_nodes):
        """Register nodes that are not attributes: each argument a node, a
        list/tuple of nodes, or a dict name -> node; keywords name -> node.
        Non-nodes raise ValueError."""
        for group in nodes:
            if isinstance(group, (list, tuple)):
                for n in group:
                    self._add_node(n.name if isinstance(n, Base) else None, n)
            elif isinstance(group, dict):
                for k, n in group.items():
                    self._add_node(k, n)
            else:
                self._add_node(group.name if isinstance(group, Base)
                               else None, group)
        for k, n in named_nodes.items():
            self._add_node(k, n)

    def _add_node(self, key, node):
        if not isinstance(node, Base):
            raise ValueError("Must be an instance of adex Base (AdExIF or an "
                             "integrator), but we got %s" % type(node))
        if not isinstance(key, str):
            raise ValueError("node names must be str, got %r" % (key,))
        self.implicit_nodes[key] = node

    def register_implicit_vars(self, *variables, **named_variables):
        """Register variables that are not attributes: dicts name -> array
        and keywords name -> array (BrainPy's ``register_implicit_vars``).
        Non-arrays raise ValueError."""
        items = []
        for group in variables:
            if not isinstance(group, dict):
                raise ValueError("variables must be given as a dict "
                                 "name -> array, got %s" % type(group))
            items.extend(group.items())
        items.extend(named_variables.items())
        for k, v in items:
            if not isinstance(k, str):
                raise ValueError("variable names must be str, got %r" % (k,))
            if not isinstance(v, np.ndarray):
                raise ValueError("Must be a numpy array, but we got %s"
                                 % type(v))
            self._add_var(k, v)

    def _add_var(self, key, value):
        self.implicit_vars[key] = value

    def nodes(self, method="absolute", level=-1, include_self=True):
        """Collect this node and its children (BrainPy's ``nodes``).

        method 'absolute': keys are the nodes' names ({'AdExIF0': pop,
        'ODEIntegrator0': its integrator}); 'relative': keys are attribute
        paths from this node ('' for itself, 'integral'). level: how deep
        to descend (-1: all the way, 0: only this node)."""
        if method not in ("absolute", "relative"):
            raise ValueError('No support for the method of "%s".' % method)
        return self._find_nodes(method, level, include_self, 0, set())

    def _find_nodes(self, method, level, include_self, depth, paths):
        gather = Collector()
        if include_self:
            gather[self.name if method == "absolute" else ""] = self
        if -1 < level <= depth:
            return gather
        children = []
        for key, node in list(self._child_nodes()) + list(
                self.implicit_nodes.items()):
            path = (id(self), id(node))
            if path in paths:
                continue
            paths.add(path)
            gather[node.name if method == "absolute" else key] = node
            children.append((key, node))
        for key, node in children:
            sub = node._find_nodes(method, level, include_self, depth + 1,
                                   paths)
            for k2, v2 in sub.items():
                if method == "absolute":
                    gather[k2] = v2
                elif k2:
                    gather["%s.%s" % (key, k2)] = v2
        return gather

    def vars(self, method="absolute", level=-1, include_self=True):
        """Collect the variables of this node and its children (BrainPy's
        ``vars``): 'absolute' keys are '<node name>.<var>' ('AdExIF0.V'),
        'relative' keys are paths from this node ('V', 'integral.x')."""
        gather = TensorCollector()
        nodes = self.nodes(method=method, level=level,
                           include_self=include_self)
        for path, node in nodes.items():
            for k, v in list(node._own_vars()) + list(
                    node.implicit_vars.items()):
                gather["%s.%s" % (path, k) if path else k] = v
        return gather

    def train_vars(self, method="absolute", level=-1, include_self=True):
        """Trainable variables: none in adex (BrainPy's ``TrainVar``s)."""
        self.nodes(method=method, level=level, include_self=include_self)
        return TensorCollector()

    def ints(self, method="absolute", level=-1, include_self=True):
        """Collect the integrators of this node and its children."""
        return self.nodes(method=method, level=level,
                          include_self=include_self).subset(ODEIntegrator)


class JointEq:
    """The right-hand side of the (V, w) system, as BrainPy's ``JointEq``.

    ``f(V, w, t, I_ext)`` returns ``(dV/dt, dw/dt)``; ``f.eqs`` is the pair
    of single-variable functions ``(dV, dw)`` with BrainPy's signatures;
    iterating gives them too."""

    def __init__(self, dV, dw):
        self.eqs = (dV, dw)
        self.variables = ["V", "w"]
        self.parameters = ["t", "I_ext"]

    def __call__(self, V, w, t, I_ext):
        dV, dw = self.eqs
        return dV(V, t, w, I_ext), dw(w, t, V)

    def __iter__(self):
        return iter(self.eqs)

    def __len__(self):
        return 2

    def __getitem__(self, i):
        return self.eqs[i]

    def __repr__(self):
        return "JointEq(eqs=[dV, dw])"


class ODEIntegrator(Base):
    """The integrator node of a population (BrainPy's ``integral``): its
    name (``ODEIntegratorK``), method, and the derivative it integrates.
    The stepping itself happens in C inside ``update``."""

    def __init__(self, name, method, owner, dt=None):
        super().__init__()
        self._name = name
        self.method = method
        self._owner = weakref.ref(owner)  # no cycle: `del pop` frees it
        self.variables = ["V", "w"]
        self.parameters = ["t", "I_ext"]
        self.dt = dt

    @property
    def f(self):
        """The derivative integrated: the owner's JointEq (None once the
        owner is gone)."""
        owner = self._owner()
        return owner.derivative if owner is not None else None

    def __call__(self, *args, **kwargs):
        raise NotImplementedError(
            "adex integrates inside AdExIF.update (in C); call update(t, dt)")

    def __repr__(self):
        return "%s(name=%r, method=%r)" % (type(self).__name__, self.name,
                                           self.method)
