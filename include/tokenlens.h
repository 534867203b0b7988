/**
 * @file tokenlens.h
 * @brief Umbrella header: include this to get every public tokenlens module.
 *
 * Modules: common (errors, memory, version), sid, token, live (Windows capture), sim
 * (explain engine), sd (security descriptors, SDDL, access check), iis (applicationHost.config
 * audit), hop (off-box hop probes). Each header also compiles on its own.
 */
#ifndef TOKENLENS_H
#define TOKENLENS_H
#include "tokenlens/common.h"
#include "tokenlens/sid.h"
/* TL_UMBRELLA_MODULES: modules add their header below, in dependency order. */
#include "tokenlens/token.h"
#include "tokenlens/live.h"
#include "tokenlens/iis.h"
#include "tokenlens/iis_content.h"
#include "tokenlens/sim.h"
#include "tokenlens/sd.h"
#include "tokenlens/access.h"
#include "tokenlens/icacls.h"
#include "tokenlens/hop.h"
#include "tokenlens/webconfig.h"
#include "tokenlens/whoami.h"
#include "tokenlens/server.h"
#include "tokenlens/ad.h"
#include "tokenlens/nexthop.h"
#include "tokenlens/input.h"
#include "tokenlens/names.h"
#endif
