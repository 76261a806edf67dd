# Reusable layers: the pure TC flower codec and transport (libmnl only) and
# the megaflow translation (OVS types, no I/O).
noinst_LTLIBRARIES += lib/libovsoffload-tc.la
lib_libovsoffload_tc_la_SOURCES = \
	lib/flower-codec.c \
	lib/flower-codec.h \
	lib/flower-codec-actions.c \
	lib/flower-codec-ct.c \
	lib/flower-codec-keys.c \
	lib/flower-codec-list.c \
	lib/flower-codec-mpls.c \
	lib/flower-codec-pedit.c \
	lib/flower-codec-police.c \
	lib/flower-codec-private.h \
	lib/flower-codec-sample.c \
	lib/flower-codec-stats.c \
	lib/flower-codec-tunnel.c \
	lib/flower-rule.h \
	lib/flower-caps.c \
	lib/flower-caps.h \
	lib/offload-refusal.c \
	lib/offload-refusal.h \
	lib/tc-police-codec.c \
	lib/tc-police-codec.h \
	lib/tc-transport.c \
	lib/tc-transport.h
lib_libovsoffload_tc_la_LIBADD = $(MNL_LIBS)
# Deliberately built without OVS's include paths: this layer must not
# depend on OVS (its compat headers also need OVS's config.h first).
lib_libovsoffload_tc_la_CPPFLAGS = -I$(top_srcdir)/lib
lib_libovsoffload_tc_la_CFLAGS = $(OVS_WARNING_FLAGS) $(MNL_CFLAGS)

noinst_LTLIBRARIES += lib/libovsoffload.la
lib_libovsoffload_la_SOURCES = \
	lib/flower-translate.c \
	lib/flower-translate-actions.c \
	lib/flower-translate-ct.c \
	lib/flower-translate-set.c \
	lib/flower-translate-tunnel.c \
	lib/flower-translate-mpls.c \
	lib/flower-translate-pktlen.c \
	lib/flower-translate-sample.c \
	lib/flower-translate-private.h \
	lib/flower-translate.h
lib_libovsoffload_la_LIBADD = lib/libovsoffload-tc.la
