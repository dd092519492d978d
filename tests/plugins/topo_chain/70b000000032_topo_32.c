/* 70b000000032_topo_32.c - revision 32 of 50 of the topo_chain fixture (topo_chain.h). */
#include "topo_chain.h"

VHOST_REVISION("70b000000032", "70b000000031", "topo 32");
TOPO_BODY(32)
