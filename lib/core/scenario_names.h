/* Windows name rules for scenario values (scenario_names.c; sources cited there). */
#ifndef TL_SCENARIO_NAMES_H
#define TL_SCENARIO_NAMES_H

#include "internal.h"

/* Each returns NULL when the name is valid, else a static phrase saying what is wrong. */
const char *tl__computer_name_problem(const char *s); /* NetBIOS computer name, no trailing $ */
const char *tl__domain_name_problem(const char *s);   /* NetBIOS domain name */

enum {
    TL__ACCOUNT_DOMAIN_REQUIRED = 1, /* DOMAIN\user only (else a bare user is accepted too) */
    TL__ACCOUNT_SID_OK = 2           /* a SID string (an account known only by its SID) */
};
const char *tl__account_problem(const char *s, unsigned flags);
/* service/host[:port][/service name]; "local" is the caller's business */
const char *tl__spn_problem(const char *s);

/* What a valid value looks like, for the messages (the loader and tl_name_check). */
#define EXPECT_COMPUTER "a NetBIOS computer name such as WEB01"
#define EXPECT_DOMAIN "a NetBIOS domain name such as CONTOSO"
#define EXPECT_DOMAIN_USER "DOMAIN\\user such as CONTOSO\\alice (a local account is WEB01\\alice)"
#define EXPECT_ACCOUNT "an account such as CONTOSO\\svc-web or svc-web"
#define EXPECT_SPN "an SPN service/host[:port] such as MSSQLSvc/db01.contoso.com:1433"

#endif
