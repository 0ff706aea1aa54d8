/*
 * fuzz_parse.c — libFuzzer target: the response parser on success
 * replies (status 200-299) of every operation's output shape. Byte 0 picks
 * the operation; the layout is fz_parse_run's (fuzz_common.h).
 */
#include "fuzz_common.h"

QC_FUZZ_ENTRY(parse)
{
    return fz_parse_run(data, size, 200, 100);
}
