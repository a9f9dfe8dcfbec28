"""Community: tags, questions, answers, comments and their revisions, votes and reputation,
flags, warnings, suspensions and the moderation log, follows and notifications, and the
portal's community settings; the customers' voice: ideas and complaints, the wall of thanks,
testimonials, giveaways and members' interests."""

from community.models.giveaways import Giveaway, GiveawayEntry, GiveawayWinner  # noqa: F401
from community.models.ideas import (  # noqa: F401
    Idea,
    IdeaComment,
    IdeaFollow,
    IdeaStatus,
    IdeaStatusChange,
    IdeaVote,
    ProductArea,
)
from community.models.interests import MemberInterests  # noqa: F401
from community.models.moderation import (  # noqa: F401
    Flag,
    ModerationAction,
    Suspension,
    Warning,
)
from community.models.notifications import (  # noqa: F401
    Follow,
    Notification,
    NotificationPreference,
)
from community.models.posts import Answer, Comment, Question, Revision  # noqa: F401
from community.models.recognition import Thanks  # noqa: F401
from community.models.reputation import MemberReputation, ReputationEvent  # noqa: F401
from community.models.settings import CommunitySettings  # noqa: F401
from community.models.tags import Tag  # noqa: F401
from community.models.testimonials import Testimonial, TestimonialsPage  # noqa: F401
from community.models.votes import Vote  # noqa: F401
