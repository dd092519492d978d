/* 70b000000014_topo_14.c - revision 14 of 50 of the topo_chain fixture (topo_chain.h). */
#include "topo_chain.h"

VHOST_REVISION("70b000000014", "70b000000013", "topo 14");
TOPO_BODY(14)
