/* 70b000000024_topo_24.c - revision 24 of 50 of the topo_chain fixture (topo_chain.h). */
#include "topo_chain.h"

VHOST_REVISION("70b000000024", "70b000000023", "topo 24");
TOPO_BODY(24)
