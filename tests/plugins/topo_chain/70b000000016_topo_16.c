/* 70b000000016_topo_16.c - revision 16 of 50 of the topo_chain fixture (topo_chain.h). */
#include "topo_chain.h"

VHOST_REVISION("70b000000016", "70b000000015", "topo 16");
TOPO_BODY(16)
