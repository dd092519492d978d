/* 70b000000001_topo_01.c - revision 1 of 50 of the topo_chain fixture (topo_chain.h). */
#include "topo_chain.h"

VHOST_REVISION("70b000000001", NULL, "topo 1");
TOPO_BODY(1)
