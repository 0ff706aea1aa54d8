/*
 * crypto.c — SHA-256, HMAC-SHA256, secure wiping and random bytes on top of
 * OpenSSL 3's EVP interface (the only file in the core that includes
 * OpenSSL headers).
 */
#include <limits.h>
#include <pthread.h>
#include <stddef.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "sigv4.h"

static pthread_once_t s_md_once = PTHREAD_ONCE_INIT;
static EVP_MD *s_sha256_md; /* fetched once; lives for the process */

/* Fetches the SHA-256 implementation once (explicit fetching avoids a
 * provider lookup on every digest). */
static void s_md_init(void)
{
    s_sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
}

/* Returns the process-wide SHA-256 method (never freed), or NULL. */
static const EVP_MD *s_sha256(void)
{
    if (pthread_once(&s_md_once, s_md_init) != 0)
        return NULL;
    return s_sha256_md;
}

/* Returns QC_OK after writing SHA-256(data) into out, or QC_ERR_SIGN. */
int qc_sha256(const void *data, size_t len, unsigned char out[32])
{
    const EVP_MD *md = s_sha256();
    unsigned int n = 0;
    static const unsigned char empty = 0;
    if (!md)
        return QC_ERR_SIGN;
    if (!data)
        data = &empty;
    if (EVP_Digest(data, len, out, &n, md, NULL) != 1 || n != 32)
        return QC_ERR_SIGN;
    return QC_OK;
}

/* Returns QC_OK after writing HMAC-SHA256(key, data) (RFC 2104) into out,
 * or QC_ERR_SIGN. Built on the fetched SHA-256 method: H((K ^ opad) ||
 * H((K ^ ipad) || data)), K being the key zero-padded to the 64-byte block
 * (hashed first when longer). OpenSSL 3's HMAC() fetches the MAC
 * implementation and parses parameters on every call, which costs about
 * three times as much as the two digests for the short messages SigV4
 * signs. */
int qc_hmac_sha256(const void *key, size_t key_len, const void *data,
                   size_t len, unsigned char out[32])
{
    const EVP_MD *md = s_sha256();
    unsigned char block[64], inner[32];
    unsigned int n = 0;
    int rc = QC_ERR_SIGN;
    EVP_MD_CTX *ctx;
    if (!md || !(ctx = EVP_MD_CTX_new()))
        return QC_ERR_SIGN;
    memset(block, 0, sizeof(block));
    if (key_len > 64) {
        if (EVP_Digest(key, key_len, block, &n, md, NULL) != 1)
            goto out;
    } else if (key_len) {
        memcpy(block, key, key_len);
    }
    for (size_t i = 0; i < 64; i++)
        block[i] ^= 0x36;
    if (EVP_DigestInit_ex(ctx, md, NULL) != 1 ||
        EVP_DigestUpdate(ctx, block, 64) != 1 ||
        (len && EVP_DigestUpdate(ctx, data, len) != 1) ||
        EVP_DigestFinal_ex(ctx, inner, &n) != 1)
        goto out;
    for (size_t i = 0; i < 64; i++)
        block[i] ^= 0x36 ^ 0x5c;
    if (EVP_DigestInit_ex(ctx, md, NULL) != 1 ||
        EVP_DigestUpdate(ctx, block, 64) != 1 ||
        EVP_DigestUpdate(ctx, inner, 32) != 1 ||
        EVP_DigestFinal_ex(ctx, out, &n) != 1)
        goto out;
    rc = QC_OK;
out:
    OPENSSL_cleanse(block, sizeof(block));
    OPENSSL_cleanse(inner, sizeof(inner));
    EVP_MD_CTX_free(ctx);
    return rc;
}

/* Overwrites n bytes at p with zeros; the compiler cannot drop it. */
void qc_secure_zero(void *p, size_t n)
{
    if (p && n)
        OPENSSL_cleanse(p, n);
}

/* Returns QC_OK after filling out with n random bytes, or
 * QC_ERR_INTERNAL. */
int qc_random_bytes(unsigned char *out, size_t n)
{
    while (n > 0) {
        int chunk = n > (size_t)INT_MAX ? INT_MAX : (int)n;
        if (RAND_bytes(out, chunk) != 1)
            return QC_ERR_INTERNAL;
        out += chunk;
        n -= (size_t)chunk;
    }
    return QC_OK;
}
