/*
 * fuzz_error.c — libFuzzer target: the error-reply parser (status
 * 300-599, headers such as x-amzn-ErrorType from the input, any body).
 * Byte 0 picks the operation, whose modelled errors are tried.
 */
#include "fuzz_common.h"

QC_FUZZ_ENTRY(error)
{
    return fz_parse_run(data, size, 300, 300);
}
