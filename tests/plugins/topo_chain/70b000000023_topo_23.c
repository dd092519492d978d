/* 70b000000023_topo_23.c - revision 23 of 50 of the topo_chain fixture (topo_chain.h). */
#include "topo_chain.h"

VHOST_REVISION("70b000000023", "70b000000022", "topo 23");
TOPO_BODY(23)
