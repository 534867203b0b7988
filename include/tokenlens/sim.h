/**
 * @file tokenlens/sim.h
 * @brief Explain engine: for a described IIS/ASP.NET setup and request, which identity each
 *        hop runs as and **arrives as** on the other side, and why.
 *
 * A scenario (format v1, see PRODUCT.md and docs/explain.md) is loaded strictly from JSON
 * with tl_scenario_from_json() or tl_scenario_load(); tl_scenario_explain() runs the
 * simulation model and returns an explanation. Every derived fact is a step that names the
 * rule that produced it; the rules, their statements and sources are in docs/rules.md and
 * available at run time through tl_sim_rule_count() / tl_sim_rule_at().
 *
 * The same explanation is rendered three ways: JSON (tl_explanation_to_json(), exactly what
 * `tokenlens explain --json` prints), a short story (tl_explanation_to_text()) and a Graphviz
 * diagram (tl_explanation_to_dot()). The getters below give bindings the same answers.
 *
 * Strings returned by getters are borrowed: valid while the explanation lives. NULL means
 * "null" in the JSON (e.g. an unknown SID, no impersonation level, no protocol).
 */
#ifndef TOKENLENS_SIM_H
#define TOKENLENS_SIM_H

#include "tokenlens/common.h"
#include "tokenlens/token.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A loaded scenario (opaque). */
typedef struct tl_scenario tl_scenario;
/** The result of explaining a scenario (opaque). */
typedef struct tl_explanation tl_explanation;
/** One hop of an explanation: a view borrowed from its explanation. */
typedef struct tl_explained_hop tl_explained_hop;

/** What happens at a hop: the JSON words are tl_explain_outcome_name()'s. */
typedef enum tl_explain_outcome {
    TL_EXPLAIN_OUTCOME_OK = 0, /**< "ok": the intended identity arrives (or local access works) */
    TL_EXPLAIN_OUTCOME_ANONYMOUS = 1, /**< "anonymous": NT AUTHORITY\ANONYMOUS LOGON arrives */
    TL_EXPLAIN_OUTCOME_DENIED = 2     /**< "denied": the call fails or never happens */
} tl_explain_outcome;

/** The protocol a hop authenticates with; TL_EXPLAIN_PROTOCOL_NONE is JSON null. */
typedef enum tl_explain_protocol {
    TL_EXPLAIN_PROTOCOL_NONE = 0, /**< local access, or a call that never happens */
    TL_EXPLAIN_PROTOCOL_KERBEROS = 1,
    TL_EXPLAIN_PROTOCOL_NTLM = 2
} tl_explain_protocol;

/** Where a hop's code runs (scenario `hops[].from`). */
typedef enum tl_explain_from {
    TL_EXPLAIN_FROM_REQUEST_THREAD = 0, /**< "request_thread" */
    TL_EXPLAIN_FROM_THREAD_POOL = 1, /**< "thread_pool": a continuation without the impersonation */
    TL_EXPLAIN_FROM_AFTER_REVERT = 2,   /**< "after_revert": after RevertToSelf */
    TL_EXPLAIN_FROM_NEW_CREDENTIALS = 3 /**< "new_credentials": LogonUser NEW_CREDENTIALS */
} tl_explain_from;

/** "ok" | "anonymous" | "denied"; NULL for other values.
 *  Ownership: a static string, never freed. */
TL_EXTERN const char *tl_explain_outcome_name(tl_explain_outcome outcome);
/** "Kerberos" | "NTLM"; NULL for TL_EXPLAIN_PROTOCOL_NONE and other values.
 *  Ownership: a static string, never freed. */
TL_EXTERN const char *tl_explain_protocol_name(tl_explain_protocol protocol);
/** "request_thread" | "thread_pool" | "after_revert" | "new_credentials"; NULL for others.
 *  Ownership: a static string, never freed. */
TL_EXTERN const char *tl_explain_from_name(tl_explain_from from);

/** Largest scenario file tl_scenario_load() reads (bytes). */
#define TL_SCENARIO_MAX_BYTES (1024 * 1024)

/**
 * Parse scenario JSON (format v1) from `len` bytes of `text` (need not be NUL-terminated).
 * Strict: unknown keys, wrong types, unknown enum values and inconsistent combinations fail
 * with TL_EPARSE and tl_error_last()->path naming the JSON path ("$.app_pool.identity");
 * malformed JSON fails with TL_EPARSE and the byte offset. TL_ELIMIT past the size/count bounds.
 * Ownership: *out is freed with tl_scenario_free().
 */
TL_EXTERN tl_result tl_scenario_from_json(tl_scenario **out, const char *text, size_t len);

/** Read and parse a scenario file (at most TL_SCENARIO_MAX_BYTES). TL_EIO when unreadable.
 *  Ownership: *out is freed with tl_scenario_free(). */
TL_EXTERN tl_result tl_scenario_load(tl_scenario **out, const char *path);

/** Release a scenario. NULL is ignored. */
TL_EXTERN void tl_scenario_free(tl_scenario *s);

/** The scenario's "name" (borrowed), or NULL when it has none. */
TL_EXTERN const char *tl_scenario_name(const tl_scenario *s);

/**
 * The scenario as loaded, every optional field written out with the value the engine uses
 * (defaults filled in, enum words in their canonical spelling): a format v1 document that
 * loads back to the same scenario. Ownership: *out is freed with tl_free().
 */
TL_EXTERN tl_result tl_scenario_to_json(char **out, const tl_scenario *s);

/**
 * Run the model over a scenario. Fails only on allocation failure (TL_ENOMEM) or NULL
 * arguments (TL_EINVAL): every loadable scenario has an explanation.
 * Ownership: *out is freed with tl_explanation_free(); it does not borrow from `s`.
 */
TL_EXTERN tl_result tl_scenario_explain(tl_explanation **out, const tl_scenario *s);

/** Release an explanation (and every view borrowed from it). NULL is ignored. */
TL_EXTERN void tl_explanation_free(tl_explanation *e);

/**
 * The explanation as the JSON `tokenlens explain --json` prints (2-space indent, no trailing
 * newline): {"process": ID, "request_thread": ID+, "hops": [HOP...]} plus the documented
 * extensions. Ownership: *out is freed with tl_free().
 */
TL_EXTERN tl_result tl_explanation_to_json(char **out, const tl_explanation *e);
/** The plain-text story `tokenlens explain` prints. Ownership: *out is freed with tl_free(). */
TL_EXTERN tl_result tl_explanation_to_text(char **out, const tl_explanation *e);
/** A Graphviz digraph client -> web tier -> targets, edges labelled by identity and protocol.
 *  Ownership: *out is freed with tl_free(). */
TL_EXTERN tl_result tl_explanation_to_dot(char **out, const tl_explanation *e);

/* ---- the process and the request thread -------------------------------------------------- */

/** Scenario name copied into the explanation, or NULL. */
TL_EXTERN const char *tl_explanation_scenario_name(const tl_explanation *e);
/** The worker process identity: account name ("IIS APPPOOL\\Coke"). */
TL_EXTERN const char *tl_explanation_process_name(const tl_explanation *e);
/** Its SID as a string, or NULL when unknowable (a domain account without its domain SID). */
TL_EXTERN const char *tl_explanation_process_sid(const tl_explanation *e);
/** The request thread's effective identity (the process identity when not impersonating). */
TL_EXTERN const char *tl_explanation_thread_name(const tl_explanation *e);
TL_EXTERN const char *tl_explanation_thread_sid(const tl_explanation *e);
/** The thread's impersonation level, TL_IMPERSONATION_NONE when it is not impersonating.
 *  tl_impersonation_level_name() gives the JSON word ("Impersonation", ...; NULL for NONE). */
TL_EXTERN tl_impersonation_level tl_explanation_thread_level(const tl_explanation *e);
/** Authentication package of the thread's logon session ("Kerberos", "NTLM", "Negotiate"), or
 *  NULL when no source settles it. */
TL_EXTERN const char *tl_explanation_thread_logon_package(const tl_explanation *e);
/** Logon type name ("Network", "NetworkCleartext", "Service", "Batch"...), or NULL. */
TL_EXTERN const char *tl_explanation_thread_logon_type(const tl_explanation *e);
/** Steps that derived the process identity (count + indexed rule id and text). */
TL_EXTERN size_t tl_explanation_process_step_count(const tl_explanation *e);
TL_EXTERN const char *tl_explanation_process_step_rule(const tl_explanation *e, size_t i);
TL_EXTERN const char *tl_explanation_process_step_text(const tl_explanation *e, size_t i);
/** Steps that derived the request thread's identity. */
TL_EXTERN size_t tl_explanation_thread_step_count(const tl_explanation *e);
TL_EXTERN const char *tl_explanation_thread_step_rule(const tl_explanation *e, size_t i);
TL_EXTERN const char *tl_explanation_thread_step_text(const tl_explanation *e, size_t i);

/* ---- hops --------------------------------------------------------------------------------- */

/** Number of hops (the scenario's "hops", in order). */
TL_EXTERN size_t tl_explanation_hop_count(const tl_explanation *e);
/** The i-th hop, or NULL when out of range. Borrowed: valid while `e` lives. */
TL_EXTERN const tl_explained_hop *tl_explanation_hop_at(const tl_explanation *e, size_t i);

/** "MSSQLSvc/db01.contoso.com:1433" or "local". */
TL_EXTERN const char *tl_explained_hop_target(const tl_explained_hop *h);
/** Where the call runs (tl_explain_from_name() gives the JSON word). */
TL_EXTERN tl_explain_from tl_explained_hop_from(const tl_explained_hop *h);
/** The identity the code runs as when it makes this call (name, SID or NULL, level:
 *  TL_IMPERSONATION_NONE when the code is not impersonating). */
TL_EXTERN const char *tl_explained_hop_runs_as_name(const tl_explained_hop *h);
TL_EXTERN const char *tl_explained_hop_runs_as_sid(const tl_explained_hop *h);
TL_EXTERN tl_impersonation_level tl_explained_hop_runs_as_level(const tl_explained_hop *h);
/** The identity the target sees. Name is NULL only when the call never happens ("denied"
 *  before any connection, e.g. the request itself was refused). */
TL_EXTERN const char *tl_explained_hop_arrives_as_name(const tl_explained_hop *h);
TL_EXTERN const char *tl_explained_hop_arrives_as_sid(const tl_explained_hop *h);
/** Kerberos or NTLM, or TL_EXPLAIN_PROTOCOL_NONE for a local access or a call that never
 *  happens (tl_explain_protocol_name() gives the JSON word or NULL). */
TL_EXTERN tl_explain_protocol tl_explained_hop_protocol(const tl_explained_hop *h);
/** What happens (tl_explain_outcome_name() gives the JSON word). NULL `h`: DENIED. */
TL_EXTERN tl_explain_outcome tl_explained_hop_outcome(const tl_explained_hop *h);
/** True when the hop's answer rests on a rule no source settles (tl_sim_rule_unsettled): one of
 *  its own steps, or of the request thread's when the call uses that token. (The Delegation
 *  level reported for a constrained-delegation token is unsettled but decides no hop.) */
TL_EXTERN bool tl_explained_hop_unsettled(const tl_explained_hop *h);
/** The usual fix in one sentence, or NULL when nothing needs fixing. */
TL_EXTERN const char *tl_explained_hop_fix(const tl_explained_hop *h);
/** Steps (in order) that explain this hop; the last one decides what arrives. */
TL_EXTERN size_t tl_explained_hop_step_count(const tl_explained_hop *h);
TL_EXTERN const char *tl_explained_hop_step_rule(const tl_explained_hop *h, size_t i);
TL_EXTERN const char *tl_explained_hop_step_text(const tl_explained_hop *h, size_t i);
/** True when the i-th step's rule is unsettled. */
TL_EXTERN bool tl_explained_hop_step_unsettled(const tl_explained_hop *h, size_t i);

/* ---- the rule catalogue ------------------------------------------------------------------- */

/** Number of rules the engine can cite. */
TL_EXTERN size_t tl_sim_rule_count(void);
/** Rule id ("net.machine-account") of the i-th rule, or NULL when out of range. Static. */
TL_EXTERN const char *tl_sim_rule_id(size_t i);
/** One-sentence statement of the i-th rule, or NULL. Static. */
TL_EXTERN const char *tl_sim_rule_statement(size_t i);
/** Source (URL and section) of the i-th rule, or NULL. Static. */
TL_EXTERN const char *tl_sim_rule_source(size_t i);
/** True when no source settles the rule (it is an inference, documented as such). */
TL_EXTERN bool tl_sim_rule_unsettled(size_t i);

#ifdef __cplusplus
}
#endif
#endif
