/* adex/adex.h - the umbrella header of libadex.
 *
 * libadex simulates populations of adaptive exponential integrate-and-fire
 * (AdEx) neurons with the semantics of BrainPy's AdExIF. Start with
 * adex/pop.h; docs/design.md maps the modules.
 */
#ifndef ADEX_ADEX_H
#define ADEX_ADEX_H

#include "adex/alloc.h"
#include "adex/comm.h"
#include "adex/delay.h"
#include "adex/export.h"
#include "adex/files.h"
#include "adex/init.h"
#include "adex/inputs.h"
#include "adex/method.h"
#include "adex/names.h"
#include "adex/net.h"
#include "adex/params.h"
#include "adex/pop.h"
#include "adex/pop_delays.h"
#include "adex/runner.h"
#include "adex/state.h"
#include "adex/status.h"
#include "adex/version.h"

#endif /* ADEX_ADEX_H */
