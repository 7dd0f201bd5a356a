/* comm_mpi.h - the MPI communicator (the adex_mpi library, built when
 * Open MPI is found; linked by the adex program and the MPI tests only). */
#ifndef ADEX_COMM_MPI_H
#define ADEX_COMM_MPI_H

#include "adex/comm.h"

/* Whether this process was started by an MPI launcher (mpirun sets
 * OMPI_COMM_WORLD_SIZE, PMIX_RANK, PMI_SIZE or PMI_RANK): a program started
 * alone then runs without initialising MPI at all. */
int adex_comm_mpi_launched(void);

/* MPI_Init (unless done) and a communicator of MPI_COMM_WORLD in *out.
 * Returns 0 or non-zero. */
int adex_comm_mpi_init(int *argc, char ***argv, adex_comm *out);

/* End every rank of the job now (a rank that cannot go on). */
void adex_comm_mpi_abort(const adex_comm *comm, int code);

/* Free *comm and MPI_Finalize. */
void adex_comm_mpi_finalize(adex_comm *comm);

#endif /* ADEX_COMM_MPI_H */
