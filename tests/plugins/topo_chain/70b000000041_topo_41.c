/* 70b000000041_topo_41.c - revision 41 of 50 of the topo_chain fixture (topo_chain.h). */
#include "topo_chain.h"

VHOST_REVISION("70b000000041", "70b000000040", "topo 41");
TOPO_BODY(41)
