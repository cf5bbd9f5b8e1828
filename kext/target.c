/*
** The format profiles (FORMAT.md §1.2): constant tables built from the
** rows of the generated .def files in kext/targets/<t>/, and the small lookups every
** layer shares. The rows' meaning is documented in kext/target.h and in
** each .def file's header; what the numbers are is the generator's
** business (kext/targets/mkdefs.c). Freestanding: no libc beyond
** memcmp, memcpy and memset, no allocation, no mutable state.
*/
#include "kext/target.h"

#define countof(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------ macos14 (Darwin 23) */

/*
** Per-field designators, so OP and OP_ACCEPTS each fill their own fields
** of the same element and a row given twice draws -Woverride-init.
*/
static const struct sb_op_info macos14_ops[] = {
#define OP(id, name_, parent_, flags_) \
	[id].name = name_, [id].parent = parent_, [id].flags = flags_,
#define OP_ACCEPTS(id, categories_, modifiers_) \
	[id].categories = categories_, [id].modifiers = modifiers_,
#include "kext/targets/macos14/operations.def"
};

/* Slots are the operations without SB_OP_MESSAGE_FILTER (FORMAT.md §3.3). */
enum {
	MACOS14_SLOTS = 0
#define OP(id, name, parent, flags) + !((flags) & SB_OP_MESSAGE_FILTER)
#include "kext/targets/macos14/operations.def"
	,
	MACOS14_OP_ID_SUM = 0
#define OP(id, name, parent, flags) + (id)
#include "kext/targets/macos14/operations.def"
};

/* Ids are dense from 0: n distinct ids whose sum is 0 + 1 + ... + (n - 1). */
_Static_assert(MACOS14_OP_ID_SUM ==
               countof(macos14_ops) * (countof(macos14_ops) - 1) / 2,
               "operations.def ids are not 0..n-1");
_Static_assert(MACOS14_SLOTS <= 255, "op_count is a u8 in the header");

static const char *const macos14_categories[] = {
#define CATEGORY(bit, name) [bit] = name,
#include "kext/targets/macos14/filters.def"
};

static const struct sb_filter_info macos14_filters[] = {
#define FILTER(id, name_, argkind_, categories_, prerequisite_) \
	[id] = { name_, argkind_, prerequisite_, categories_ },
#include "kext/targets/macos14/filters.def"
};

static const struct sb_value_info macos14_filter_values[] = {
#define VALUE(filter, name, value) { filter, name, value },
#include "kext/targets/macos14/filters.def"
};

static const struct sb_modifier_info macos14_modifiers[] = {
#define MOD(id, name_, actions_, argkind_, mask_, flag_, inline_) \
	[id] = { name_, actions_, argkind_, mask_, flag_, inline_ },
#include "kext/targets/macos14/modifiers.def"
};

static const struct sb_value_info macos14_modifier_values[] = {
#define MOD_VALUE(modifier, name, value) { modifier, name, value },
#include "kext/targets/macos14/modifiers.def"
};

const struct sb_target sb_target_macos14 = {
	.name = "macos14",
	.description = "Darwin 23 (macOS 14 Sonoma, iOS 17)",
	.header_size = 14,                      /* FORMAT.md §3.3 */
	.op_count = MACOS14_SLOTS,
	.op_name_count = countof(macos14_ops),
	.ops = macos14_ops,
	.filter_count = countof(macos14_filters),
	.filters = macos14_filters,
	.filter_value_count = countof(macos14_filter_values),
	.filter_values = macos14_filter_values,
	.modifier_count = countof(macos14_modifiers),
	.modifiers = macos14_modifiers,
	.modifier_value_count = countof(macos14_modifier_values),
	.modifier_values = macos14_modifier_values,
	.category_count = countof(macos14_categories),
	.categories = macos14_categories,
	.bundle_record_words = 2,               /* FORMAT.md §13 */
	.has_profile_flag_table = false,        /* FORMAT.md §12.2: Darwin 24+ */
};

/* ------------------------------------- macos15, ios26 (Darwin 24, 25) */

/*
** Format-only profiles (FORMAT.md §12): enough for the decoder, the
** evaluator and the byte-exact rewrite of the Darwin 24/25 fixtures, but
** no operation list (the macOS 15 names are not public, §12.3), so no
** compiler vocabulary. sb_target_find() does not return them; the
** format lookups sb_target_format_find() and sb_target_format_all() do.
**
** Filters: ids 1-0x5c are Sonoma's (§12.3), so the macos14 rows are
** reused; its one row above that (0x5d kas-info-selector) is parked in
** the slot past filter_count. 0x5d-0x61 follow the macOS 15.2 table
** (tables/macos15.2-filters.json); 0x62-0x66 are unknown (§19 item 7).
** Modifiers: the macOS 15.2 table keeps Sonoma's ids 1-19 (§12.3).
*/
enum { D24_FILTERS = 0x62 };

static const struct sb_filter_info darwin24_filters[D24_FILTERS + 1] = {
#define FILTER(id, name_, argkind_, categories_, prerequisite_) \
	[(id) < 0x5d ? (id) : D24_FILTERS] = \
		{ name_, argkind_, prerequisite_, categories_ },
#include "kext/targets/macos14/filters.def"
	[0x5d] = { "profile-flag", SB_ARG_PROFILE_FLAG, SB_NONE, 0 },
	[0x5e] = { "kas-info-selector", SB_ARG_INT, SB_NONE, 0 },
	[0x5f] = { "mach-exception-behavior", SB_ARG_INT, SB_NONE, 0 },
	[0x60] = { "mach-exception-type", SB_ARG_INT, SB_NONE, 0 },
	[0x61] = { "check-operation", SB_ARG_PATTERN, SB_NONE, 0 },
};

const struct sb_target sb_target_macos15 = {
	.name = "macos15",
	.description = "Darwin 24 (macOS 15, iOS 18), format only",
	.header_size = 16,                      /* FORMAT.md §12.1 */
	.op_count = 192,                        /* macos15.2-platform.bin */
	.filter_count = D24_FILTERS,
	.filters = darwin24_filters,
	.modifier_count = countof(macos14_modifiers),
	.modifiers = macos14_modifiers,
	.bundle_record_words = 4,               /* FORMAT.md §13 */
	.has_profile_flag_table = true,
};

const struct sb_target sb_target_ios26 = {
	.name = "ios26",
	.description = "Darwin 25 (macOS 26, iOS 26), format only",
	.header_size = 16,
	.op_count = 195,                        /* ios26-*.bin */
	.filter_count = D24_FILTERS,
	.filters = darwin24_filters,
	.modifier_count = countof(macos14_modifiers),
	.modifiers = macos14_modifiers,
	.bundle_record_words = 4,
	.has_profile_flag_table = true,
};

/* ------------------------------------------------------------ lookups */

static const struct sb_target *const targets[] = {
	&sb_target_macos14,
};

/* Whether the NUL-terminated Z is exactly the LEN bytes at P. */
static bool
name_is(const char *z, const char *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (z[i] == '\0' || z[i] != p[i])
			return false;
	return z[len] == '\0';
}

const struct sb_target *
sb_target_default(void)
{
	return &sb_target_macos14;
}

const struct sb_target *
sb_target_find(const char *name, size_t len)
{
	for (size_t i = 0; i < countof(targets); i++)
		if (name_is(targets[i]->name, name, len))
			return targets[i];
	return NULL;
}

/* Every format profile, vocabulary or not: FORMAT.md §1.2. */
static const struct sb_target *const format_targets[] = {
	&sb_target_macos14,
	&sb_target_macos15,
	&sb_target_ios26,
};

const struct sb_target *
sb_target_format_find(const char *name, size_t len)
{
	for (size_t i = 0; i < countof(format_targets); i++)
		if (name_is(format_targets[i]->name, name, len))
			return format_targets[i];
	return NULL;
}

const struct sb_target *const *
sb_target_format_all(unsigned *n)
{
	*n = countof(format_targets);
	return format_targets;
}

int
sb_target_op_find(const struct sb_target *t, const char *name, size_t len)
{
	for (unsigned i = 0; i < t->op_name_count; i++)
		if (name_is(t->ops[i].name, name, len))
			return (int)i;
	return -1;
}

int
sb_target_filter_find(const struct sb_target *t, const char *name, size_t len)
{
	for (unsigned i = 1; i < t->filter_count; i++)
		if (t->filters[i].name && name_is(t->filters[i].name, name, len))
			return (int)i;
	return -1;
}

int
sb_target_modifier_find(const struct sb_target *t, const char *name,
                        size_t len)
{
	for (unsigned i = 1; i < t->modifier_count; i++)
		if (t->modifiers[i].name &&
		    name_is(t->modifiers[i].name, name, len))
			return (int)i;
	return -1;
}

/* The run of values owned by ID in a table grouped by owner. */
static const struct sb_value_info *
values_of(const struct sb_value_info *v, unsigned count, unsigned id,
          unsigned *n)
{
	unsigned first = 0, end;

	while (first < count && v[first].owner != id)
		first++;
	for (end = first; end < count && v[end].owner == id; end++)
		;
	*n = end - first;
	return *n ? v + first : NULL;
}

const struct sb_value_info *
sb_target_filter_values(const struct sb_target *t, unsigned id, unsigned *n)
{
	return values_of(t->filter_values, t->filter_value_count, id, n);
}

const struct sb_value_info *
sb_target_modifier_values(const struct sb_target *t, unsigned id, unsigned *n)
{
	return values_of(t->modifier_values, t->modifier_value_count, id, n);
}

bool
sb_target_op_within(const struct sb_target *t, unsigned op, unsigned ancestor)
{
	/* the generator proved the tree acyclic; the bound is for safety */
	for (unsigned steps = 0; steps <= t->op_name_count; steps++) {
		if (op >= t->op_name_count)
			return false;
		if (op == ancestor)
			return true;
		op = t->ops[op].parent;
	}
	return false;
}

bool
sb_target_op_accepts_filter(const struct sb_target *t, unsigned op,
                            unsigned id)
{
	if (op >= t->op_name_count || id >= t->filter_count ||
	    !t->filters[id].name)
		return false;
	return (t->ops[op].categories & t->filters[id].categories) != 0;
}

bool
sb_target_op_accepts_modifier(const struct sb_target *t, unsigned op,
                              unsigned id)
{
	if (op >= t->op_name_count || id >= t->modifier_count ||
	    !t->modifiers[id].name || id >= 32)
		return false;
	return (t->ops[op].modifiers >> id) & 1;
}
