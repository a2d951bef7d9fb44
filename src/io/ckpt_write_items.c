/* ckpt_write_items.c — writing one checkpoint item collectively.
 *
 * Parallel HDF5 requires every metadata operation (creating a dataset or an
 * attribute, writing an attribute) to be called by all ranks with identical
 * arguments, so every rank runs every call below with the same shapes and the
 * same checksum values: rank 0 computes each checksum over the full array
 * (the large arrays are replicated), broadcasts it, and every rank attaches
 * it.  Raw data go with one collective transfer per dataset: each rank its
 * slice of a CKPT_SLICED array, its own row of a CKPT_ROW_PER_RANK one, and
 * rank 0 everything else (the others select nothing).
 *
 * Failures: a call that fails on some rank is agreed on (mtt_comm_agree)
 * right after the dataset is created and again after it is written, before
 * any rank branches, so no rank enters a collective call the others skip.
 * Cost: two small allreduces and one 8-byte broadcast per item, plus the
 * checksum on rank 0 (a few GB/s).
 */
#include "config.h"

#include "io/ckpt_write_items.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/ckpt_checksum.h"
#include "io/ckpt_hdf5.h"
#include "io/ckpt_mpi.h"

void ckpt_write_local_failure(ckpt_io *io, mtt_status *local, const char *what)
{
    ckpt_h5_error e;
    ckpt_h5_error_take(&e);
    if (*local != MTT_OK) return;  /* keep the first reason */
    char phrase[300];
    ckpt_h5_error_phrase(&e, phrase, sizeof phrase);
    const char *hint = "";
    if (e.cause == CKPT_CAUSE_NO_SPACE)
        hint = "; free space on that file system or write the run's outputs elsewhere";
    else if (e.cause == CKPT_CAUSE_TOO_LARGE)
        hint = "; raise the limit (ulimit -f unlimited) in the job script";
    *local = mtt_error_set(io->err, MTT_ERR_IO, "cannot write checkpoint %s: %s (%s)%s", io->path,
                           phrase, what, hint);
}

mtt_status ckpt_write_agree(ckpt_io *io, mtt_status local)
{
    if (io->status != MTT_OK) return io->status;
    io->status = mtt_comm_agree(io->comm, local, io->err);
    return io->status;
}

static hid_t file_type(const ckpt_item *it)
{
    switch (it->elem) {
    case CKPT_F64: return H5Tcopy(H5T_IEEE_F64LE);
    case CKPT_I64: return H5Tcopy(H5T_STD_I64LE);
    case CKPT_I32: return H5Tcopy(H5T_STD_I32LE);
    case CKPT_TEXT: return ckpt_h5_text_type(it->width);
    }
    return -1;
}

static hid_t memory_type(const ckpt_item *it)
{
    switch (it->elem) {
    case CKPT_F64: return H5Tcopy(H5T_NATIVE_DOUBLE);
    case CKPT_I64: return H5Tcopy(H5T_NATIVE_INT64);
    case CKPT_I32: return H5Tcopy(H5T_NATIVE_INT32);
    case CKPT_TEXT: return ckpt_h5_text_type(it->width);
    }
    return -1;
}

/* Rank 0's checksum of the whole item, broadcast (collective). */
static mtt_status item_checksum(ckpt_io *io, const ckpt_item *it, const void *data,
                                uint64_t *sum)
{
    const uint64_t n = ckpt_item_count(it);
    *sum = 0;
    if (it->flags & CKPT_ROW_PER_RANK) {
        /* rank 0 does not hold the other ranks' rows: gather them */
        const size_t row = (size_t)it->dims[1];
        double *all = NULL;
        mtt_status local = MTT_OK;
        if (io->rank == 0 && n) {
            all = malloc((size_t)n * sizeof *all);
            if (!all)
                local = mtt_error_set(io->err, MTT_ERR_NOMEM, "out of memory writing checkpoint %s",
                                      io->path);
        }
        if (ckpt_write_agree(io, local) != MTT_OK) return io->status;
        if (row) ckpt_mpi_gather_rows(io->comm, data, row, all);
        if (io->rank == 0) *sum = mtt_ckpt_checksum_array(all, (size_t)n, sizeof(double));
        free(all);
    } else if (io->rank == 0) {
        if (it->elem == CKPT_TEXT) *sum = mtt_ckpt_checksum_bytes(data, (size_t)n * it->width);
        else *sum = mtt_ckpt_checksum_array(data, (size_t)n, ckpt_elem_size(it));
    }
    mtt_comm_bcast_bytes(io->comm, sum, sizeof *sum, 0);
    return MTT_OK;
}

/* Select this rank's part in the file space; make the matching memory space
 * and point *buf at the first element to send. */
static int select_part(const ckpt_io *io, const ckpt_item *it, hid_t fspace, const void *data,
                       hid_t *mspace, const void **buf)
{
    const size_t esize = ckpt_elem_size(it);
    *buf = data;
    if (it->flags & CKPT_SLICED) {
        const uint64_t n = it->dims[0];
        hsize_t lo = (hsize_t)(n * (uint64_t)io->rank / (uint64_t)io->size);
        hsize_t hi = (hsize_t)(n * (uint64_t)(io->rank + 1) / (uint64_t)io->size);
        hsize_t count = hi - lo, one = 1;
        *mspace = H5Screate_simple(1, count ? &count : &one, NULL);
        if (*mspace < 0) return -1;
        if (count == 0) return (H5Sselect_none(fspace) < 0 || H5Sselect_none(*mspace) < 0) ? -1 : 0;
        *buf = (const char *)data + lo * esize;
        return H5Sselect_hyperslab(fspace, H5S_SELECT_SET, &lo, NULL, &count, NULL) < 0 ? -1 : 0;
    }
    if (it->flags & CKPT_ROW_PER_RANK) {
        hsize_t start[2] = {(hsize_t)io->rank, 0}, count[2] = {1, (hsize_t)it->dims[1]};
        *mspace = H5Screate_simple(2, count, NULL);
        if (*mspace < 0) return -1;
        return H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, count, NULL) < 0 ? -1 : 0;
    }
    *mspace = H5Scopy(fspace);
    if (*mspace < 0) return -1;
    if (io->rank != 0) return (H5Sselect_none(fspace) < 0 || H5Sselect_none(*mspace) < 0) ? -1 : 0;
    return 0;
}

static mtt_status write_checksum_attr(hid_t obj, uint64_t sum)
{
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t attr = space < 0 ? -1 : H5Acreate2(obj, "checksum", H5T_STD_U64LE, space, H5P_DEFAULT,
                                              H5P_DEFAULT);
    int ok = attr >= 0 && H5Awrite(attr, H5T_NATIVE_UINT64, &sum) >= 0;
    if (attr >= 0) ok = (H5Aclose(attr) >= 0) && ok;
    if (space >= 0) H5Sclose(space);
    return ok ? MTT_OK : MTT_ERR_IO;
}

static mtt_status write_data(ckpt_io *io, ckpt_item *it, void **data)
{
    if (io->status != MTT_OK) return io->status;
    /* an absent optional item (the same on every rank: c is replicated) */
    if ((it->flags & CKPT_OPTIONAL) && !*data) return MTT_OK;
    if (it->flags & CKPT_ROW_PER_RANK) it->dims[0] = (uint64_t)io->size;
    const uint64_t n = ckpt_item_count(it);
    uint64_t sum = 0;
    MTT_FORWARD_IF_ERROR(item_checksum(io, it, *data, &sum));

    mtt_status local = MTT_OK;
    hid_t ftype = file_type(it), mtype = memory_type(it), fspace = -1, mspace = -1, dcpl = -1;
    hid_t dset = -1;
    hsize_t dims[2] = {(hsize_t)it->dims[0], (hsize_t)it->dims[1]};
    fspace = it->ndims ? H5Screate_simple(it->ndims, dims, NULL) : H5Screate(H5S_SCALAR);
    dcpl = H5Pcreate(H5P_DATASET_CREATE);
    /* every byte is written below: no fill pass (it would double the I/O) */
    const void *buf = NULL;
    if (ftype < 0 || mtype < 0 || fspace < 0 || dcpl < 0 ||
        H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER) < 0 ||
        (dset = H5Dcreate2(io->file, it->path, ftype, fspace, io->lcpl, dcpl, H5P_DEFAULT)) < 0 ||
        (n > 0 && select_part(io, it, fspace, *data, &mspace, &buf) < 0))
        ckpt_write_local_failure(io, &local, it->path);
    /* agreed before the collective transfer: nobody enters it alone */
    if (ckpt_write_agree(io, local) == MTT_OK) {
        if (n > 0 &&
            H5Dwrite(dset, mtype, mspace, fspace, io->dxpl, buf ? buf : (const void *)&sum) < 0)
            ckpt_write_local_failure(io, &local, it->path);
        if (write_checksum_attr(dset, sum) != MTT_OK)
            ckpt_write_local_failure(io, &local, it->path);
    }
    if (dset >= 0 && H5Dclose(dset) < 0) ckpt_write_local_failure(io, &local, it->path);
    if (mspace >= 0) H5Sclose(mspace);
    if (fspace >= 0) H5Sclose(fspace);
    if (dcpl >= 0) H5Pclose(dcpl);
    if (ftype >= 0) H5Tclose(ftype);
    if (mtype >= 0) H5Tclose(mtype);
    if (local == MTT_OK) local = ckpt_io_record_u64(io, it->path, sum);
    return ckpt_write_agree(io, local);
}

/* A scalar root attribute (collective: same value on every rank). */
static mtt_status write_attr(ckpt_io *io, const char *name, hid_t ftype, hid_t mtype,
                             const void *value)
{
    mtt_status local = MTT_OK;
    hid_t space = H5Screate(H5S_SCALAR), attr = -1;
    if (ftype < 0 || mtype < 0 || space < 0 ||
        (attr = H5Acreate2(io->file, name, ftype, space, H5P_DEFAULT, H5P_DEFAULT)) < 0 ||
        H5Awrite(attr, mtype, value) < 0)
        ckpt_write_local_failure(io, &local, name);
    if (attr >= 0 && H5Aclose(attr) < 0) ckpt_write_local_failure(io, &local, name);
    if (space >= 0) H5Sclose(space);
    return local;
}

static mtt_status write_attr_text(ckpt_io *io, const char *name, char *buf, size_t cap)
{
    if (io->status != MTT_OK) return io->status;
    char value[256];
    size_t len = strnlen(buf, cap);
    if (len >= sizeof value) len = sizeof value - 1;
    memcpy(value, buf, len);
    value[len] = '\0';
    hid_t type = ckpt_h5_text_type(len);
    mtt_status local = write_attr(io, name, type, type, value);
    if (type >= 0) H5Tclose(type);
    if (local == MTT_OK) local = ckpt_io_record_text(io, name, value);
    return ckpt_write_agree(io, local);
}

static mtt_status write_attr_i64(ckpt_io *io, const char *name, int64_t *v)
{
    if (io->status != MTT_OK) return io->status;
    mtt_status local = write_attr(io, name, H5T_STD_I64LE, H5T_NATIVE_INT64, v);
    if (local == MTT_OK) local = ckpt_io_record_u64(io, name, (uint64_t)*v);
    return ckpt_write_agree(io, local);
}

mtt_status ckpt_write_attr_u64(ckpt_io *io, const char *name, uint64_t v)
{
    if (io->status != MTT_OK) return io->status;
    return ckpt_write_agree(io, write_attr(io, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, &v));
}

void ckpt_write_items_install(ckpt_io *io)
{
    io->writing = 1;
    io->attr_text = write_attr_text;
    io->attr_i64 = write_attr_i64;
    io->data = write_data;
}
