/* 70b000000025_topo_25.c - revision 25 of 50 of the topo_chain fixture (topo_chain.h). */
#include "topo_chain.h"

VHOST_REVISION("70b000000025", "70b000000024", "topo 25");
VHOST_NON_TRANSACTIONAL();
TOPO_NONTX_BODY()
