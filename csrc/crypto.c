/*
 * crypto.c — SHA-256, HMAC-SHA256, secure wiping and random bytes (the
 * only file in the core that includes OpenSSL headers).
 *
 * SHA-256 is OpenSSL's (its SHA-NI / AVX2 code), called through the plain
 * SHA256_Init/Update/Final functions: no EVP context is allocated or
 * looked up per digest. libcrypto is loaded with dlopen at the first
 * digest rather than linked, so importing the library or creating a
 * client does not map it; it then stays mapped for the life of the
 * process. Random bytes are drawn a block at a time per thread, from
 * OpenSSL's DRBG (RAND_bytes) or, when libcrypto cannot be loaded, from
 * the kernel (getrandom); the block is dropped in a forked child.
 */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include <openssl/sha.h>

#include "sigv4.h"

_Static_assert(sizeof(SHA256_CTX) <= sizeof(qc_sha256_ctx),
               "qc_sha256_ctx must hold a SHA256_CTX");
_Static_assert(_Alignof(SHA256_CTX) <= _Alignof(qc_sha256_ctx),
               "qc_sha256_ctx must be aligned for a SHA256_CTX");

/* ----------------------------------------------------------- libcrypto */

typedef struct s_crypto_api {
    int (*init)(SHA256_CTX *c);
    int (*update)(SHA256_CTX *c, const void *data, size_t len);
    int (*final)(unsigned char *md, SHA256_CTX *c);
    int (*rand_bytes)(unsigned char *buf, int num);
} s_crypto_api;

static s_crypto_api s_api;
static pthread_once_t s_load_once = PTHREAD_ONCE_INIT;
static int s_loaded;
static char s_load_error[512];

/* Loads libcrypto and resolves s_api, once per process; on failure
 * s_load_error says why. */
static void s_load(void)
{
    void *h = dlopen("libcrypto.so.3", RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *why = dlerror();
        snprintf(s_load_error, sizeof(s_load_error),
                 "cannot load libcrypto: %s", why ? why : "unknown error");
        return;
    }
    s_api.init = (__typeof__(s_api.init))dlsym(h, "SHA256_Init");
    s_api.update = (__typeof__(s_api.update))dlsym(h, "SHA256_Update");
    s_api.final = (__typeof__(s_api.final))dlsym(h, "SHA256_Final");
    s_api.rand_bytes = (__typeof__(s_api.rand_bytes))dlsym(h, "RAND_bytes");
    if (!s_api.init || !s_api.update || !s_api.final) {
        snprintf(s_load_error, sizeof(s_load_error),
                 "cannot use libcrypto: SHA256_Init/Update/Final missing");
        return;
    }
    s_loaded = 1;
}

/* Returns 1 once libcrypto's SHA-256 is usable, else 0. */
static int s_ready(void)
{
    pthread_once(&s_load_once, s_load);
    return s_loaded;
}

/* Returns NULL when the hash functions are usable, else a static text
 * saying why they are not (libcrypto could not be loaded). */
const char *qc_crypto_load_error(void)
{
    return s_ready() ? NULL : s_load_error;
}

/* -------------------------------------------------------------- SHA-256 */

/* Returns QC_OK after starting a digest in c, or QC_ERR_SIGN. */
int qc_sha256_init(qc_sha256_ctx *c)
{
    if (!s_ready() || s_api.init((SHA256_CTX *)c) != 1)
        return QC_ERR_SIGN;
    return QC_OK;
}

/* Returns QC_OK after feeding (data, len) into c, or QC_ERR_SIGN. */
int qc_sha256_update(qc_sha256_ctx *c, const void *data, size_t len)
{
    if (len == 0)
        return QC_OK;
    if (s_api.update((SHA256_CTX *)c, data, len) != 1)
        return QC_ERR_SIGN;
    return QC_OK;
}

/* Returns QC_OK after writing c's digest into out (c is then wiped), or
 * QC_ERR_SIGN. */
int qc_sha256_final(qc_sha256_ctx *c, unsigned char out[32])
{
    int ok = s_api.final(out, (SHA256_CTX *)c) == 1;
    return ok ? QC_OK : QC_ERR_SIGN;
}

/* Returns QC_OK after writing SHA-256(data) into out, or QC_ERR_SIGN. */
int qc_sha256(const void *data, size_t len, unsigned char out[32])
{
    qc_sha256_ctx c;
    int rc = qc_sha256_init(&c);
    if (!rc)
        rc = qc_sha256_update(&c, data, len);
    if (!rc)
        rc = qc_sha256_final(&c, out);
    return rc;
}

/* --------------------------------------------------------- HMAC-SHA256 */

/* Returns QC_OK after preparing k for HMAC-SHA256 (RFC 2104) with key:
 * the states after absorbing (K ^ ipad) and (K ^ opad), K being the key
 * zero-padded to the 64-byte block (hashed first when longer). Returns
 * QC_ERR_SIGN on failure. k holds key material: wipe it after use. */
int qc_hmac_key_init(qc_hmac_key *k, const void *key, size_t key_len)
{
    unsigned char block[64];
    int rc = QC_OK;
    memset(block, 0, sizeof(block));
    if (key_len > 64)
        rc = qc_sha256(key, key_len, block);
    else if (key_len)
        memcpy(block, key, key_len);
    for (size_t i = 0; i < 64; i++)
        block[i] ^= 0x36;
    if (!rc && !(rc = qc_sha256_init(&k->inner)))
        rc = qc_sha256_update(&k->inner, block, 64);
    for (size_t i = 0; i < 64; i++)
        block[i] ^= 0x36 ^ 0x5c;
    if (!rc && !(rc = qc_sha256_init(&k->outer)))
        rc = qc_sha256_update(&k->outer, block, 64);
    qc_secure_zero(block, sizeof(block));
    return rc;
}

/* Returns QC_OK after writing HMAC-SHA256(k, data) into out, or
 * QC_ERR_SIGN; k is left as it was. */
int qc_hmac_sha256_with(const qc_hmac_key *k, const void *data, size_t len,
                        unsigned char out[32])
{
    qc_sha256_ctx c = k->inner;
    unsigned char inner[32];
    int rc = qc_sha256_update(&c, data, len);
    if (!rc)
        rc = qc_sha256_final(&c, inner);
    if (!rc) {
        c = k->outer;
        if (!(rc = qc_sha256_update(&c, inner, 32)))
            rc = qc_sha256_final(&c, out);
    }
    qc_secure_zero(&c, sizeof(c));
    qc_secure_zero(inner, sizeof(inner));
    return rc;
}

/* Returns QC_OK after writing HMAC-SHA256(key, data) into out, or
 * QC_ERR_SIGN. */
int qc_hmac_sha256(const void *key, size_t key_len, const void *data,
                   size_t len, unsigned char out[32])
{
    qc_hmac_key k;
    int rc = qc_hmac_key_init(&k, key, key_len);
    if (!rc)
        rc = qc_hmac_sha256_with(&k, data, len, out);
    qc_secure_zero(&k, sizeof(k));
    return rc;
}

/* Overwrites n bytes at p with zeros; the compiler cannot drop it. */
void qc_secure_zero(void *p, size_t n)
{
    if (p && n)
        explicit_bzero(p, n);
}

/* --------------------------------------------------------------- random */

#define S_POOL_SIZE 4096 /* bytes drawn from the kernel at a time */

/* Random bytes not handed out yet, per thread; used from the end. */
typedef struct s_pool {
    unsigned char bytes[S_POOL_SIZE];
    size_t left;
    unsigned fork_gen; /* s_fork_gen when the bytes were drawn */
} s_pool;

static _Thread_local s_pool s_tpool;
static atomic_uint s_fork_gen = 1; /* bumped in every forked child */
static pthread_once_t s_atfork_once = PTHREAD_ONCE_INIT;

/* In a forked child: the pools copied from the parent must not be used
 * (parent and child would hand out the same bytes). */
static void s_on_fork_child(void)
{
    atomic_fetch_add(&s_fork_gen, 1);
}

/* Registers s_on_fork_child, once per process. */
static void s_atfork_init(void)
{
    pthread_atfork(NULL, NULL, s_on_fork_child);
}

/* Returns QC_OK after filling out with n bytes from the kernel's CSPRNG,
 * or QC_ERR_INTERNAL. */
static int s_getrandom(unsigned char *out, size_t n)
{
    while (n > 0) {
        ssize_t got = getrandom(out, n, 0);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            return QC_ERR_INTERNAL;
        }
        out += got;
        n -= (size_t)got;
    }
    return QC_OK;
}

/* Returns QC_OK after filling out with n cryptographically random bytes,
 * or QC_ERR_INTERNAL. Small requests are served from the thread's pool;
 * served bytes are wiped from it. */
int qc_random_bytes(unsigned char *out, size_t n)
{
    if (n > S_POOL_SIZE / 4)
        return s_getrandom(out, n);
    pthread_once(&s_atfork_once, s_atfork_init);
    s_pool *p = &s_tpool;
    unsigned gen = atomic_load_explicit(&s_fork_gen, memory_order_relaxed);
    if (p->fork_gen != gen || p->left < n) {
        if (!(s_ready() && s_api.rand_bytes &&
              s_api.rand_bytes(p->bytes, S_POOL_SIZE) == 1) &&
            s_getrandom(p->bytes, S_POOL_SIZE)) {
            p->left = 0;
            return QC_ERR_INTERNAL;
        }
        p->left = S_POOL_SIZE;
        p->fork_gen = gen;
    }
    p->left -= n;
    memcpy(out, p->bytes + p->left, n);
    memset(p->bytes + p->left, 0, n);
    return QC_OK;
}
