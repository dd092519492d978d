/* 70b000000011_topo_11.c - revision 11 of 50 of the topo_chain fixture (topo_chain.h). */
#include "topo_chain.h"

VHOST_REVISION("70b000000011", "70b000000010", "topo 11");
TOPO_BODY(11)
