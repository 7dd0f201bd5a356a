/* cli/info/cli_info.c - `adex info FILE`: what a recording or state file holds.
 *
 * The format is recognised by its first bytes (HDF5 signature, zip local
 * header of an .npz, numpy's magic), else by a .csv extension:
 *   HDF5  every group and dataset (dtype, shape) with its attributes
 *         (values of scalars and short arrays; long strings cut short);
 *   NPZ   every member with the dtype and shape of its npy header;
 *   NPY   dtype, shape and order;
 *   CSV   the header, the number of rows and the range of a first column t.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <hdf5.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "adex/files.h"
#include "cli.h"
#include "cli_args.h"
#include "cli_npy.h"

#define MAX_VALUES 6  /* attribute arrays up to this length are printed */
#define MAX_STRING 70 /* longer string attributes are cut */

void cli_info_help(FILE *out) {
  fprintf(
      out,
      "usage: adex info FILE\n"
      "\n"
      "Describe a recording or state file: for HDF5 (.h5) every group and\n"
      "dataset with its dtype and shape, and the attributes (parameters, dt,\n"
      "method, seed, version); for .npz every member with the dtype and shape "
      "of\n"
      "its npy header; for .npy its dtype and shape; for .csv the header and "
      "the\n"
      "number of rows. The format is recognised from the file's first bytes.\n"
      "\n"
      "  -h, --help       print this help\n"
      "\n"
      "Exit status: 0 described; 2 bad arguments; 1 unreadable or unknown "
      "file.\n");
}

/* ------------------------------------------------------------ HDF5 */

/* numpy-style name of an HDF5 datatype into buf. */
static const char *h5_type_name(hid_t t, char *buf, size_t len) {
  size_t size = H5Tget_size(t);
  switch (H5Tget_class(t)) {
  case H5T_FLOAT: snprintf(buf, len, "float%zu", 8 * size); break;
  case H5T_INTEGER:
    snprintf(buf, len, "%sint%zu", H5Tget_sign(t) == H5T_SGN_NONE ? "u" : "",
             8 * size);
    break;
  case H5T_STRING:
    if (H5Tis_variable_str(t) > 0)
      snprintf(buf, len, "string");
    else
      snprintf(buf, len, "string[%zu]", size);
    break;
  case H5T_ENUM: snprintf(buf, len, size == 1 ? "bool/enum8" : "enum"); break;
  case H5T_COMPOUND: snprintf(buf, len, "compound"); break;
  default: snprintf(buf, len, "other"); break;
  }
  return buf;
}

/* "(1000, 5)" or "scalar" for a dataspace; *count gets the element count. */
static const char *h5_shape(hid_t space, char *buf, size_t len,
                            hsize_t *count) {
  hsize_t dims[H5S_MAX_RANK];
  unsigned long long shape[H5S_MAX_RANK];
  int rank = H5Sget_simple_extent_ndims(space), i;
  *count = 1;
  if (rank <= 0) {
    snprintf(buf, len, "scalar");
    return buf;
  }
  H5Sget_simple_extent_dims(space, dims, NULL);
  for (i = 0; i < rank; i++) {
    shape[i] = (unsigned long long)dims[i];
    *count *= dims[i];
  }
  return adex__npy_shape_str((size_t)rank, shape, buf, len);
}

/* Print a string value, cut short when long, on one line. */
static void print_string(const char *s) {
  size_t n = strlen(s), i;
  putchar('"');
  for (i = 0; i < n && i < MAX_STRING; i++) {
    char c = s[i];
    putchar(c == '\n' || c == '\r' || c == '\t' ? ' ' : c);
  }
  putchar('"');
  if (n > MAX_STRING) printf("... (%zu characters)", n);
}

/* Print the value of a string attribute. */
static void print_str_attr(hid_t a, hid_t t, hid_t space) {
  hsize_t count;
  char shape[64];
  h5_shape(space, shape, sizeof shape, &count);
  if (count != 1) {
    printf("string array %s", shape);
    return;
  }
  if (H5Tis_variable_str(t) > 0) {
    char *s = NULL;
    hid_t mt = H5Tcopy(H5T_C_S1);
    H5Tset_size(mt, H5T_VARIABLE);
    H5Tset_cset(mt, H5Tget_cset(t));
    if (H5Aread(a, mt, &s) >= 0 && s != NULL) {
      print_string(s);
      H5free_memory(s);
    } else {
      printf("(unreadable string)");
    }
    H5Tclose(mt);
  } else {
    size_t size = H5Tget_size(t);
    char *s = calloc(size + 1, 1);
    hid_t mt = H5Tcopy(t);
    if (s != NULL && mt >= 0 && H5Aread(a, mt, s) >= 0)
      print_string(s);
    else
      printf("(unreadable string)");
    if (mt >= 0) H5Tclose(mt);
    free(s);
  }
}

/* Print the value(s) of a numeric attribute: short arrays in full. */
static void print_num_attr(hid_t a, hid_t t, hid_t space) {
  hsize_t count, i;
  char shape[64], tname[32];
  int is_float = H5Tget_class(t) == H5T_FLOAT;
  int is_unsigned = !is_float && H5Tget_sign(t) == H5T_SGN_NONE;
  h5_shape(space, shape, sizeof shape, &count);
  h5_type_name(t, tname, sizeof tname);
  if (count > MAX_VALUES) {
    printf("%s array %s", tname, shape);
    return;
  }
  if (is_float) {
    double v[MAX_VALUES];
    if (count == 0 || H5Aread(a, H5T_NATIVE_DOUBLE, v) < 0) {
      printf("%s %s", tname, shape);
      return;
    }
    if (H5Sget_simple_extent_ndims(space) > 0) printf("[");
    for (i = 0; i < count; i++) printf("%s%.10g", i > 0 ? ", " : "", v[i]);
    if (H5Sget_simple_extent_ndims(space) > 0) printf("]");
  } else if (is_unsigned) {
    uint64_t v[MAX_VALUES];
    if (count == 0 || H5Aread(a, H5T_NATIVE_UINT64, v) < 0) {
      printf("%s %s", tname, shape);
      return;
    }
    if (H5Sget_simple_extent_ndims(space) > 0) printf("[");
    for (i = 0; i < count; i++) printf("%s%" PRIu64, i > 0 ? ", " : "", v[i]);
    if (H5Sget_simple_extent_ndims(space) > 0) printf("]");
  } else {
    int64_t v[MAX_VALUES];
    if (count == 0 || H5Aread(a, H5T_NATIVE_INT64, v) < 0) {
      printf("%s %s", tname, shape);
      return;
    }
    if (H5Sget_simple_extent_ndims(space) > 0) printf("[");
    for (i = 0; i < count; i++) printf("%s%" PRId64, i > 0 ? ", " : "", v[i]);
    if (H5Sget_simple_extent_ndims(space) > 0) printf("]");
  }
}

/* H5Aiterate2 callback: one line per attribute. */
static herr_t attr_cb(hid_t loc, const char *name, const H5A_info_t *info,
                      void *data) {
  const char *indent = data;
  hid_t a = H5Aopen(loc, name, H5P_DEFAULT), t, space;
  char tname[32];
  (void)info;
  if (a < 0) return 0;
  t = H5Aget_type(a);
  space = H5Aget_space(a);
  printf("%s  @%s = ", indent, name);
  switch (H5Tget_class(t)) {
  case H5T_STRING: print_str_attr(a, t, space); break;
  case H5T_FLOAT:
  case H5T_INTEGER: print_num_attr(a, t, space); break;
  default: printf("(%s)", h5_type_name(t, tname, sizeof tname)); break;
  }
  printf("\n");
  H5Sclose(space);
  H5Tclose(t);
  H5Aclose(a);
  return 0;
}

/* Print the attributes of an object, indented. */
static void print_attrs(hid_t obj, const char *indent) {
  hsize_t idx = 0;
  H5Aiterate2(obj, H5_INDEX_NAME, H5_ITER_INC, &idx, attr_cb, (void *)indent);
}

/* H5Lvisit callback: one entry per group or dataset. */
static herr_t visit_cb(hid_t root, const char *name, const H5L_info_t *info,
                       void *data) {
  hid_t obj;
  int *count = data;
  (void)info;
  obj = H5Oopen(root, name, H5P_DEFAULT);
  if (obj < 0) {
    printf("/%s  (cannot open)\n", name);
    return 0;
  }
  if (H5Iget_type(obj) == H5I_GROUP) {
    printf("/%s/  group\n", name);
  } else if (H5Iget_type(obj) == H5I_DATASET) {
    hid_t t = H5Dget_type(obj), space = H5Dget_space(obj);
    char tname[32], shape[96];
    hsize_t n;
    printf("/%s  %s %s\n", name, h5_type_name(t, tname, sizeof tname),
           h5_shape(space, shape, sizeof shape, &n));
    H5Sclose(space);
    H5Tclose(t);
  } else {
    printf("/%s  (other object)\n", name);
  }
  print_attrs(obj, "");
  H5Oclose(obj);
  (*count)++;
  return 0;
}

/* Describe an HDF5 file. */
static int info_h5(const char *path) {
  hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  int count = 0;
  if (f < 0) {
    cli_error("'%s' looks like HDF5 but cannot be opened", path);
    return CLI_EXIT_FAILURE;
  }
  printf("%s: HDF5 file\n/  group (root)\n", path);
  print_attrs(f, "");
  H5Lvisit(f, H5_INDEX_NAME, H5_ITER_INC, visit_cb, &count);
  printf("%d object%s below the root\n", count, count == 1 ? "" : "s");
  H5Fclose(f);
  return 0;
}

/* ------------------------------------------------------------ NPY, NPZ */

/* One line for a parsed npy header. */
static void print_npy(const adex__npy_header *h) {
  char shape[160], dt[48];
  adex__npy_descr_name(h->descr, dt, sizeof dt);
  printf("%s %s%s (npy v%d.%d, '%s')\n", dt,
         adex__npy_shape_str(h->ndim, h->shape, shape, sizeof shape),
         h->fortran ? " Fortran order" : "", h->major, h->minor, h->descr);
}

/* Describe an .npy file. */
static int info_npy(const char *path) {
  FILE *fp = fopen(path, "rb");
  adex__npy_header h;
  char err[160];
  if (fp == NULL) {
    cli_error("cannot open '%s': %s", path, strerror(errno));
    return CLI_EXIT_FAILURE;
  }
  if (cli_npy_read_header(fp, &h, err, sizeof err) != 0) {
    fclose(fp);
    cli_error("'%s': %s", path, err);
    return CLI_EXIT_FAILURE;
  }
  fclose(fp);
  printf("%s: NPY file\n  ", path);
  print_npy(&h);
  return 0;
}

/* Describe an .npz (zip of .npy members). */
static int info_npz(const char *path) {
  int zerr = 0;
  zip_t *z = zip_open(path, ZIP_RDONLY, &zerr);
  zip_int64_t n, i;
  unsigned char *buf;
  const size_t cap = 1 << 16;
  if (z == NULL) {
    cli_error("cannot open '%s' as a zip (npz) archive (libzip error %d)", path,
              zerr);
    return CLI_EXIT_FAILURE;
  }
  buf = malloc(cap);
  if (buf == NULL) {
    zip_close(z);
    cli_error("out of memory");
    return CLI_EXIT_FAILURE;
  }
  n = zip_get_num_entries(z, 0);
  printf("%s: NPZ archive, %lld member%s\n", path, (long long)n,
         n == 1 ? "" : "s");
  for (i = 0; i < n; i++) {
    const char *name = zip_get_name(z, (zip_uint64_t)i, 0);
    zip_file_t *zf = zip_fopen_index(z, (zip_uint64_t)i, 0);
    zip_int64_t got = 0, r;
    adex__npy_header h;
    size_t need = 0;
    char err[160];
    printf("  %-32s ", name != NULL ? name : "?");
    if (zf == NULL) {
      printf("(cannot read)\n");
      continue;
    }
    while ((size_t)got < cap &&
           (r = zip_fread(zf, buf + got, (zip_uint64_t)(cap - (size_t)got))) >
               0) {
      got += r;
      if (got >= 12 &&
          adex__npy_parse(buf, (size_t)got, &h, &need, err, sizeof err) != 1)
        break;
    }
    zip_fclose(zf);
    if (adex__npy_parse(buf, (size_t)got, &h, &need, err, sizeof err) == 0)
      print_npy(&h);
    else
      printf("(not an npy member: %s)\n", err);
  }
  free(buf);
  zip_close(z);
  return 0;
}

/* ------------------------------------------------------------ CSV */

/* Fields of one CSV line: commas outside double quotes, plus one. */
static int csv_fields(const char *line) {
  int n = 1, quoted = 0;
  for (; *line != '\0'; line++) {
    if (*line == '"')
      quoted = !quoted;
    else if (*line == ',' && !quoted)
      n++;
  }
  return n;
}

/* Cut the line ending of a line of length got; the new length. */
static ssize_t chomp(char *line, ssize_t got) {
  while (got > 0 && (line[got - 1] == '\n' || line[got - 1] == '\r'))
    line[--got] = '\0';
  return got;
}

/* Describe a CSV file: header, rows, and the range of a first column t.
 * Only a file that is one: text with a header of at least two named
 * columns, and every row with as many fields as the header. */
static int info_csv(const char *path) {
  FILE *fp = fopen(path, "r");
  char *line = NULL, *header = NULL;
  size_t cap = 0;
  ssize_t got;
  unsigned long long rows = 0, lineno = 1;
  double tmin = INFINITY, tmax = -INFINITY;
  int first_is_t = 0, cols = 0, rc = 0;
  char why[160] = "";
  if (fp == NULL) {
    cli_error("cannot open '%s': %s", path, strerror(errno));
    return CLI_EXIT_FAILURE;
  }
  got = getline(&line, &cap, fp);
  if (got <= 0) {
    printf("%s: CSV file, empty\n", path);
    free(line);
    fclose(fp);
    return 0;
  }
  if (memchr(line, '\0', (size_t)got) != NULL) {
    snprintf(why, sizeof why, "binary data in line 1");
  } else {
    chomp(line, got);
    cols = csv_fields(line);
    if (cols < 2 || strstr(line, ",,") != NULL || line[0] == ',' ||
        line[strlen(line) - 1] == ',')
      snprintf(why, sizeof why,
               "line 1 is not a header of named columns "
               "(name,name,...)");
  }
  if (why[0] == '\0' && (header = strdup(line)) == NULL)
    snprintf(why, sizeof why, "out of memory");
  first_is_t = header != NULL &&
               (strncmp(header, "t,", 2) == 0 || strcmp(header, "t") == 0);
  while (why[0] == '\0' && (got = getline(&line, &cap, fp)) >= 0) {
    char *end;
    double t;
    lineno++;
    if (memchr(line, '\0', (size_t)got) != NULL) {
      snprintf(why, sizeof why, "binary data in line %llu", lineno);
      break;
    }
    if (chomp(line, got) == 0) continue;
    if (csv_fields(line) != cols) {
      snprintf(why, sizeof why, "line %llu has %d field%s, the header %d",
               lineno, csv_fields(line), csv_fields(line) == 1 ? "" : "s",
               cols);
      break;
    }
    rows++;
    if (!first_is_t) continue;
    t = strtod(line, &end);
    if (end != line && isfinite(t)) {
      if (t < tmin) tmin = t;
      if (t > tmax) tmax = t;
    }
  }
  if (why[0] != '\0') {
    cli_error("'%s' is not a CSV file: %s", path, why);
    rc = CLI_EXIT_FAILURE;
  } else {
    printf("%s: CSV file\n  header: %s (%d column%s)\n", path, header, cols,
           cols == 1 ? "" : "s");
    printf("  rows: %llu\n", rows);
    if (first_is_t && rows > 0 && tmin <= tmax)
      printf("  t: %.10g .. %.10g ms\n", tmin, tmax);
  }
  free(header);
  free(line);
  fclose(fp);
  return rc;
}

/* ------------------------------------------------------------ main */

int cli_info_main(int argc, char **argv) {
  static const unsigned char h5_magic[8] = {0x89, 'H',  'D',  'F',
                                            '\r', '\n', 0x1a, '\n'};
  unsigned char head[8] = {0};
  const char *path = NULL;
  size_t got;
  FILE *fp;
  int i;
  cli_prog = "adex info";
  for (i = 0; i < argc; i++) {
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      cli_info_help(stdout);
      return CLI_EXIT_OK;
    }
  }
  for (i = 0; i < argc; i++) {
    if (argv[i][0] == '-' && argv[i][1] != '\0')
      return cli_error("unknown option '%s' (see adex info --help)", argv[i]);
    if (path != NULL)
      return cli_error("unexpected argument '%s' (one file at a time)",
                       argv[i]);
    path = argv[i];
  }
  if (path == NULL) return cli_error("which file? usage: adex info FILE");
  fp = fopen(path, "rb");
  if (fp == NULL) {
    cli_error("cannot open '%s': %s", path, strerror(errno));
    return CLI_EXIT_FAILURE;
  }
  got = fread(head, 1, sizeof head, fp);
  fclose(fp);
  if (got == 8 && memcmp(head, h5_magic, 8) == 0) return info_h5(path);
  if (got >= 4 && head[0] == 'P' && head[1] == 'K' &&
      ((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6)))
    return info_npz(path);
  if (got >= 6 && memcmp(head, "\x93NUMPY", 6) == 0) return info_npy(path);
  if (adex_file_kind_of(path) == ADEX_FILE_CSV ||
      adex_file_kind_of(path) == ADEX_FILE_TXT)
    return info_csv(path);
  if (H5Fis_hdf5(path) > 0) return info_h5(path);
  cli_error("'%s': unknown format (expected HDF5, .npz, .npy or .csv)", path);
  return CLI_EXIT_FAILURE;
}
