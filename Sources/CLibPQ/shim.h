#ifndef CLIBPQ_SHIM_H
#define CLIBPQ_SHIM_H
/* Debian: /usr/include/postgresql, added by pkg-config (libpq.pc); fallback if pkg-config is absent. */
#if __has_include(<libpq-fe.h>)
#include <libpq-fe.h>
#else
#include <postgresql/libpq-fe.h>
#endif
#endif
