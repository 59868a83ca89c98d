"""maxcert: exact certificates for ReLU networks that stand in for max pooling.

>>> import maxcert
>>> G = maxcert.tree_network(4)
>>> maxcert.evaluate_exact(G, [3, "7/2", -1, 0])
[Fraction(7, 2)]
"""

__version__ = "0.1.0"

from maxcert.errors import MaxcertError
from maxcert.graphs import (
    GraphError,
    approximator,
    compile_layers,
    evaluate,
    evaluate_exact,
    load_model,
    save_model,
    subpool_max_average,
    summary,
    tree_network,
    validate,
)
from maxcert.verify import Certificate, certify, exact_error, parse_domain, worst_case_error
from maxcert.verify.pools import rewrite
from maxcert.residuals import residuals
from maxcert.symbolic import family_R, optimal_approximation, tradeoff
